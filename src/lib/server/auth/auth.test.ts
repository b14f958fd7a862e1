import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { admins, apiKeys, loginThrottle, sessions, setupTokens } from '../db/schema';
import { hashPassword, sha256, verifyDummy, verifyPassword } from './crypto';
import { changePassword, checkNewAdmin, countAdmins, createAdmin, signIn } from './admins';
import { createSession, deleteSession, SESSION_MS, validateSession } from './sessions';
import { DEFAULT_THROTTLE, type ThrottlePolicy } from './throttle';
import { completeSetup, ensureFirstAdmin, setupTokenUsable } from './setup';
import { authenticateKey, checkKeyInput, createApiKey, parseKeyId, revokeApiKey } from './keys';
import type { Logger } from '../log';

const DAY = 86_400_000;
const PW = 'correct horse battery';
const policy: ThrottlePolicy = { ...DEFAULT_THROTTLE, accountLimit: 3, addressLimit: 5, slowStepMs: 100 };

function captureLog() {
	const lines: string[] = [];
	const log: Logger = {
		debug: (m) => lines.push(m),
		info: (m) => lines.push(m),
		warn: (m) => lines.push(m),
		error: (m) => lines.push(m)
	};
	return { log, lines };
}

describe('passwords', () => {
	it('hashes with argon2id and verifies only the right password', async () => {
		const h = await hashPassword(PW);
		expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(h).not.toContain(PW);
		expect(await verifyPassword(h, PW)).toBe(true);
		expect(await verifyPassword(h, PW + ' ')).toBe(false);
		expect(await verifyPassword('not a hash', PW)).toBe(false);
		// Salted: the same password never hashes the same way twice.
		expect(await hashPassword(PW)).not.toBe(h);
	});
});

describe('form input checks', () => {
	it("takes a key id only as plain digits within Postgres' integer range", () => {
		expect(parseKeyId('1')).toBe(1);
		expect(parseKeyId('2147483647')).toBe(2 ** 31 - 1);
		for (const s of ['', '0', '-1', ' 1', '1.5', '1e3', '0x1', '2147483648', '99999999999', 'NaN', '１'])
			expect(parseKeyId(s), s).toBeNull();
	});

	it('refuses control characters (NUL above all: Postgres cannot store it) in key names and admin emails and names', () => {
		expect(checkKeyInput('deploy', 'read')).toEqual({});
		expect(checkKeyInput('deploy\u0000', 'read')).toEqual({ name: 'Name must not contain control characters' });
		expect(checkKeyInput('tab\tname', 'write')).toEqual({ name: 'Name must not contain control characters' });
		expect(checkNewAdmin({ email: 'ops@example.org', name: 'Ops', password: PW })).toEqual({});
		expect(Object.keys(checkNewAdmin({ email: 'ops\u0000@example.org', password: PW }))).toEqual(['email']);
		expect(checkNewAdmin({ email: 'ops@example.org', name: 'O\u0000ps', password: PW })).toEqual({
			name: 'Name must not contain control characters'
		});
	});
});

describe.each(DRIVERS)('auth on %s', (driver) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => {
		await t?.destroy();
	});
	beforeEach(async () => {
		await truncateAll(t);
	});

	async function admin(email = 'ops@example.org') {
		const r = await createAdmin(t.db, { email, password: PW });
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		return r.id;
	}

	describe('admins', () => {
		it('stores emails lower-cased, refuses duplicates and weak passwords with field messages', async () => {
			await admin('Ops@Example.org');
			const [row] = await t.db.select().from(admins);
			expect(row.email).toBe('ops@example.org');
			expect(await createAdmin(t.db, { email: 'OPS@example.org', password: PW })).toEqual({
				ok: false,
				errors: { email: 'An admin with this email already exists' }
			});
			const weak = await createAdmin(t.db, { email: 'nope', password: 'short' });
			expect(weak.ok).toBe(false);
			if (!weak.ok) expect(Object.keys(weak.errors).sort()).toEqual(['email', 'password']);
			expect(await countAdmins(t.db)).toBe(1);
		});

		it('changes a password only with the current one', async () => {
			const id = await admin();
			expect(await changePassword(t.db, id, 'wrong password', 'a new password!', 'a new password!')).toMatchObject({
				ok: false,
				errors: { current: expect.any(String) }
			});
			expect(await changePassword(t.db, id, PW, 'a new password!', 'different one!!')).toMatchObject({
				ok: false,
				errors: { confirm: expect.any(String) }
			});
			expect(await changePassword(t.db, id, PW, 'a new password!', 'a new password!')).toEqual({ ok: true });
			expect((await signIn(t.db, 'ops@example.org', PW, '127.0.0.1', policy)).ok).toBe(false);
			expect((await signIn(t.db, 'ops@example.org', 'a new password!', '127.0.0.1', policy)).ok).toBe(true);
		});
	});

	describe('sessions', () => {
		it('stores only the SHA-256 of the token', async () => {
			const id = await admin();
			const { token } = await createSession(t.db, id);
			const rows = await t.db.select().from(sessions);
			expect(rows).toHaveLength(1);
			expect(rows[0].id).toBe(sha256(token));
			expect(rows[0].id).not.toContain(token);
			expect((await validateSession(t.db, token))?.admin.email).toBe('ops@example.org');
			expect(await validateSession(t.db, rows[0].id)).toBeNull();
		});

		it('expires after 30 days without use and slides forward with use', async () => {
			const id = await admin();
			const t0 = new Date('2026-01-01T00:00:00Z');
			const { token, expiresAt } = await createSession(t.db, id, t0);
			expect(expiresAt.getTime()).toBe(t0.getTime() + SESSION_MS);

			// Used within the first day: valid, not rewritten.
			const early = await validateSession(t.db, token, new Date(t0.getTime() + 3_600_000));
			expect(early).toMatchObject({ extended: false });

			// Used on day 20: extended to day 50.
			const day20 = new Date(t0.getTime() + 20 * DAY);
			const used = await validateSession(t.db, token, day20);
			expect(used?.extended).toBe(true);
			expect(used?.expiresAt.getTime()).toBe(day20.getTime() + SESSION_MS);

			// Day 45: past the original 30 days, alive thanks to the slide.
			expect(await validateSession(t.db, token, new Date(t0.getTime() + 45 * DAY))).not.toBeNull();

			// 30 days after the last use: gone, and the row is deleted.
			expect(await validateSession(t.db, token, new Date(t0.getTime() + 76 * DAY))).toBeNull();
			expect(await t.db.select().from(sessions)).toHaveLength(0);
		});

		it('ends server-side on sign-out', async () => {
			const id = await admin();
			const { token } = await createSession(t.db, id);
			await deleteSession(t.db, token);
			expect(await validateSession(t.db, token)).toBeNull();
		});
	});

	describe('sign-in throttling', () => {
		it('answers a wrong password and an unknown email the same way', async () => {
			await admin();
			const known = await signIn(t.db, 'ops@example.org', 'wrong-password', '10.0.0.1', policy);
			const unknown = await signIn(t.db, 'nobody@example.org', 'wrong-password', '10.0.0.2', policy);
			expect(known).toEqual({ ok: false, reason: 'invalid', delayMs: 0 });
			expect(unknown).toEqual(known);
		});

		it('slows, then locks an account (even for the right password), then lets it in after the lock', async () => {
			await admin();
			const t0 = new Date('2026-01-01T00:00:00Z');
			const at = (s: number) => new Date(t0.getTime() + s * 1000);
			expect(await signIn(t.db, 'ops@example.org', 'x', '10.0.0.1', policy, at(0))).toMatchObject({ delayMs: 0 });
			expect(await signIn(t.db, 'ops@example.org', 'x', '10.0.0.2', policy, at(1))).toMatchObject({ delayMs: 0 });
			// Third failure in the window reaches the account limit: locked.
			const third = await signIn(t.db, 'ops@example.org', 'x', '10.0.0.3', policy, at(2));
			expect(third).toMatchObject({ ok: false, reason: 'throttled' });
			const right = await signIn(t.db, 'ops@example.org', PW, '10.0.0.4', policy, at(3));
			expect(right).toMatchObject({ ok: false, reason: 'throttled' });
			if (!right.ok && right.reason === 'throttled') expect(right.retryAfterS).toBe(policy.lockMs / 1000 - 1);
			// After the lock the right password works, and the counter is cleared.
			const later = at(policy.lockMs / 1000 + 5);
			expect(await signIn(t.db, 'ops@example.org', PW, '10.0.0.4', policy, later)).toMatchObject({ ok: true });
			expect(await t.db.select().from(loginThrottle).where(eq(loginThrottle.key, 'email:ops@example.org'))).toHaveLength(0);
		});

		it('locks unknown emails exactly like known ones', async () => {
			const t0 = new Date('2026-01-01T00:00:00Z');
			const r = [];
			for (let i = 0; i < 3; i++) r.push(await signIn(t.db, 'ghost@example.org', 'x', `10.0.1.${i}`, policy, t0));
			expect(r.map((x) => x.ok === false && x.reason)).toEqual(['invalid', 'invalid', 'throttled']);
		});

		it('locks an address that tries many accounts, and slows it down first', async () => {
			const t0 = new Date('2026-01-01T00:00:00Z');
			const out = [];
			for (let i = 0; i < 6; i++) out.push(await signIn(t.db, `user${i}@example.org`, 'x', '10.9.9.9', policy, t0));
			expect(out.slice(0, 4).map((x) => !x.ok && x.reason === 'invalid' && x.delayMs)).toEqual([0, 0, 100, 200]);
			expect(out[4]).toMatchObject({ reason: 'throttled' });
			expect(out[5]).toMatchObject({ reason: 'throttled' });
			// Another address is unaffected.
			await admin('fresh@example.org');
			expect(await signIn(t.db, 'fresh@example.org', PW, '10.1.1.1', policy, t0)).toMatchObject({ ok: true });
		});

		// Real argon2, counted: the verifier is passed in only so the test can count calls.
		function countingVerifier() {
			const n = { verified: 0 };
			return {
				n,
				verify: {
					password: (phc: string, pw: string) => (n.verified++, verifyPassword(phc, pw)),
					dummy: (pw: string) => (n.verified++, verifyDummy(pw))
				}
			};
		}
		const throttleRow = async (key: string) => (await t.db.select().from(loginThrottle).where(eq(loginThrottle.key, key)))[0];

		it('reserves before verifying: 40 parallel wrong passwords verify at most 5, and the right one inside the burst is refused', async () => {
			await admin();
			const { n, verify } = countingVerifier();
			const t0 = new Date('2026-01-01T00:00:00Z');
			const out = await Promise.all(
				Array.from({ length: 40 }, (_, i) =>
					signIn(t.db, 'ops@example.org', i === 19 ? PW : `wrong password ${i}`, '10.4.4.4', DEFAULT_THROTTLE, t0, verify)
				)
			);
			expect(n.verified).toBeLessThanOrEqual(DEFAULT_THROTTLE.accountLimit);
			expect(out.filter((r) => r.ok)).toEqual([]);
			expect(out[19]).toMatchObject({ ok: false, reason: 'throttled', retryAfterS: DEFAULT_THROTTLE.lockMs / 1000 });
			// Counted once per verified attempt; the refused ones count nowhere.
			const acct = await throttleRow('email:ops@example.org');
			expect(acct.failures).toBe(n.verified);
			expect(acct.lockedUntil?.getTime()).toBe(t0.getTime() + DEFAULT_THROTTLE.lockMs);
			expect((await throttleRow('ip:10.4.4.4')).failures).toBe(n.verified);
			// The last verified failure reached the limit and is answered 429 like the rest.
			expect(out.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(n.verified - 1);
		});

		it('reserves per address too: 40 parallel attempts on 40 emails verify at most 20', async () => {
			const { n, verify } = countingVerifier();
			const t0 = new Date('2026-01-01T00:00:00Z');
			const out = await Promise.all(
				Array.from({ length: 40 }, (_, i) => signIn(t.db, `u${i}@example.org`, 'wrong password', '10.6.6.6', DEFAULT_THROTTLE, t0, verify))
			);
			expect(n.verified).toBeLessThanOrEqual(DEFAULT_THROTTLE.addressLimit);
			expect((await throttleRow('ip:10.6.6.6')).failures).toBe(n.verified);
			expect(out.filter((r) => !r.ok && r.reason === 'throttled').length).toBeGreaterThanOrEqual(40 - DEFAULT_THROTTLE.addressLimit + 1);
		});

		it('an attempt refused by a locked address counts nothing against the account', async () => {
			await admin();
			const t0 = new Date('2026-01-01T00:00:00Z');
			for (let i = 0; i < policy.addressLimit; i++) await signIn(t.db, `x${i}@example.org`, 'x', '10.7.7.7', policy, t0);
			expect(await signIn(t.db, 'ops@example.org', PW, '10.7.7.7', policy, t0)).toMatchObject({ reason: 'throttled' });
			expect((await throttleRow('email:ops@example.org'))?.failures ?? 0).toBe(0);
			// A success does not count against its address either.
			expect(await signIn(t.db, 'ops@example.org', PW, '10.8.8.8', policy, t0)).toMatchObject({ ok: true });
			expect((await throttleRow('ip:10.8.8.8'))?.failures ?? 0).toBe(0);
		});

		it('forgets failures outside the window', async () => {
			const t0 = new Date('2026-01-01T00:00:00Z');
			await signIn(t.db, 'a@example.org', 'x', '10.0.0.1', policy, t0);
			await signIn(t.db, 'a@example.org', 'x', '10.0.0.1', policy, t0);
			const later = new Date(t0.getTime() + policy.windowMs + 1000);
			expect(await signIn(t.db, 'a@example.org', 'x', '10.0.0.1', policy, later)).toMatchObject({ reason: 'invalid' });
		});
	});

	describe('first admin', () => {
		it('prints a one-time setup link when no admin exists; the link works once', async () => {
			const { log, lines } = captureLog();
			const link = await ensureFirstAdmin(t.db, { origin: 'https://status.test/' }, log);
			expect(link).toMatch(/^https:\/\/status\.test\/admin\/setup\/[A-Za-z0-9_-]{43}$/);
			expect(lines.join('\n')).toContain(link!);
			const token = link!.split('/').pop()!;
			// Only the hash is stored.
			const [row] = await t.db.select().from(setupTokens);
			expect(row.tokenHash).toBe(sha256(token));

			expect(await setupTokenUsable(t.db, 'made-up')).toBe(false);
			// A bad form does not spend the token.
			const bad = await completeSetup(t.db, token, { email: 'me@x.org', password: PW, confirm: 'other' });
			expect(bad).toMatchObject({ ok: false, gone: false, errors: { confirm: expect.any(String) } });
			expect(await setupTokenUsable(t.db, token)).toBe(true);
			const good = await completeSetup(t.db, token, { email: 'me@x.org', password: PW, confirm: PW });
			expect(good.ok).toBe(true);
			expect(await completeSetup(t.db, token, { email: 'you@x.org', password: PW, confirm: PW })).toEqual({
				ok: false,
				gone: true
			});
			expect(await countAdmins(t.db)).toBe(1);
			// With an admin in place, start-up prints nothing new.
			expect(await ensureFirstAdmin(t.db, {}, log)).toBeNull();
		});

		it('a new start replaces an unused link', async () => {
			const { log } = captureLog();
			const firstLink = (await ensureFirstAdmin(t.db, {}, log))!;
			// Without ORIGIN the link names the port the server listens on.
			expect(firstLink).toMatch(/^http:\/\/localhost:3000\/admin\/setup\//);
			const secondLink = (await ensureFirstAdmin(t.db, { listen: { port: 4600 } }, log))!;
			expect(secondLink).toMatch(/^http:\/\/localhost:4600\/admin\/setup\//);
			const first = firstLink.split('/').pop()!;
			const second = secondLink.split('/').pop()!;
			expect(await setupTokenUsable(t.db, first)).toBe(false);
			expect(await setupTokenUsable(t.db, second)).toBe(true);
		});

		it('creates the admin unattended from ADMIN_EMAIL + ADMIN_PASSWORD', async () => {
			const { log, lines } = captureLog();
			expect(await ensureFirstAdmin(t.db, { adminEmail: 'Boss@X.org', adminPassword: PW }, log)).toBeNull();
			expect(lines.join()).not.toContain('/admin/setup/');
			expect((await signIn(t.db, 'boss@x.org', PW, '127.0.0.1', policy)).ok).toBe(true);
			await expect(ensureFirstAdmin(t.db, { adminEmail: 'b@x.org', adminPassword: 'short' }, log)).resolves.toBeNull();
		});
	});

	describe('API keys', () => {
		it('are stored hashed, scoped, record last use and stop working when revoked', async () => {
			const id = await admin();
			const { id: keyId, key } = await createApiKey(t.db, { name: 'deploy', scope: 'write', createdBy: id });
			const [row] = await t.db.select().from(apiKeys);
			expect(row.keyHash).toBe(sha256(key));
			expect(JSON.stringify(row)).not.toContain(key);
			expect(row.lastUsedAt).toBeNull();
			expect(await authenticateKey(t.db, key)).toEqual({ id: keyId, name: 'deploy', scope: 'write' });
			expect((await t.db.select().from(apiKeys))[0].lastUsedAt).not.toBeNull();
			expect(await authenticateKey(t.db, key + 'x')).toBeNull();
			expect(await revokeApiKey(t.db, keyId)).toBe(true);
			expect(await authenticateKey(t.db, key)).toBeNull();
			const ro = await createApiKey(t.db, { name: 'grafana', scope: 'read', createdBy: id });
			expect((await authenticateKey(t.db, ro.key))?.scope).toBe('read');
		});
	});
});
