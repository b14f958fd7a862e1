// Admin accounts: sign-in, creation (setup link, unattended env, or another
// admin), password change. No public sign-up exists anywhere.
import type { Db } from '../db/index';
import { adminByEmail, adminById, insertAdmin, setPasswordHash } from '../db/queries/admins';
import { clearFailures, releaseAttempt } from '../db/queries/login-throttle';
import { hashPassword, passwordProblem, verifyDummy, verifyPassword } from './crypto';
import { DEFAULT_THROTTLE, accountKey, addressKey, reserveAttempts, slowdownMs, type ThrottlePolicy } from './throttle';
import { hasControlChars } from '../text';

export { countAdmins, listAdmins } from '../db/queries/admins';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
// Postgres text cannot hold NUL; the other control characters have no place in an address or a name.

export const normalEmail = (email: string) => email.trim().toLowerCase();

export type FieldErrors = Record<string, string>;

export function checkNewAdmin(input: { email: string; name?: string; password: string }): FieldErrors {
	const errors: FieldErrors = {};
	if (!EMAIL.test(input.email.trim()) || input.email.length > 254 || hasControlChars(input.email))
		errors.email = 'Enter an email address like ops@example.org';
	if ((input.name ?? '').length > 100) errors.name = 'Name must be at most 100 characters';
	else if (hasControlChars(input.name ?? '')) errors.name = 'Name must not contain control characters';
	const p = passwordProblem(input.password);
	if (p) errors.password = `Password ${p}`;
	return errors;
}

export type CreateResult = { ok: true; id: number } | { ok: false; errors: FieldErrors };

export async function createAdmin(db: Db, input: { email: string; name?: string; password: string }): Promise<CreateResult> {
	const errors = checkNewAdmin(input);
	if (Object.keys(errors).length) return { ok: false, errors };
	const email = normalEmail(input.email);
	const passwordHash = await hashPassword(input.password);
	const id = await insertAdmin(db, { email, name: (input.name ?? '').trim(), passwordHash });
	if (id === null) return { ok: false, errors: { email: 'An admin with this email already exists' } };
	return { ok: true, id };
}

export type SignIn =
	| { ok: true; adminId: number }
	| { ok: false; reason: 'invalid'; delayMs: number }
	| { ok: false; reason: 'throttled'; retryAfterS: number };

/** The argon2 checks sign-in uses; a parameter only so tests can count them. */
export interface Verifier {
	password(phc: string, password: string): Promise<boolean>;
	dummy(password: string): Promise<boolean>;
}
const REAL_VERIFIER: Verifier = { password: verifyPassword, dummy: verifyDummy };

const retryAfterS = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/**
 * Checks an email and password, with throttling. The same answer ("invalid")
 * and the same work (an argon2 verification) whether or not the email exists.
 * The attempt is reserved against the account and the address before argon2
 * runs, so a parallel burst gets at most the limit verified; the rest, a right
 * password among them, are refused unverified.
 */
export async function signIn(
	db: Db,
	email: string,
	password: string,
	address: string,
	policy: ThrottlePolicy = DEFAULT_THROTTLE,
	now = new Date(),
	verify: Verifier = REAL_VERIFIER
): Promise<SignIn> {
	const acct = accountKey(email);
	const reserved = await reserveAttempts(
		db,
		[
			{ key: acct, limit: policy.accountLimit },
			{ key: addressKey(address), limit: policy.addressLimit }
		],
		policy,
		now
	);
	if (!reserved.ok) return { ok: false, reason: 'throttled', retryAfterS: retryAfterS(reserved.lockedUntil, now) };
	const row = password.length > 1024 ? undefined : await adminByEmail(db, normalEmail(email));
	const ok = row ? await verify.password(row.passwordHash, password) : await verify.dummy(password);
	const [acctRes, addrRes] = reserved.reservations;
	if (ok && row) {
		// A success forgets the account's failures and does not count against the address.
		await clearFailures(db, acct);
		await releaseAttempt(db, addrRes);
		return { ok: true, adminId: row.id };
	}
	// The reservations stand as this failure. The one that reached a limit locked its key.
	const lockedUntil = [acctRes, addrRes].map((r) => r.lockedUntil).find((d) => d !== null);
	if (lockedUntil) return { ok: false, reason: 'throttled', retryAfterS: retryAfterS(lockedUntil, now) };
	return { ok: false, reason: 'invalid', delayMs: slowdownMs(Math.max(acctRes.count, addrRes.count), policy) };
}

export async function changePassword(
	db: Db,
	adminId: number,
	current: string,
	next: string,
	confirm: string
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
	const row = await adminById(db, adminId);
	if (!row) return { ok: false, errors: { current: 'Account not found' } };
	if (!(await verifyPassword(row.passwordHash, current))) return { ok: false, errors: { current: 'Current password is not correct' } };
	const p = passwordProblem(next);
	if (p) return { ok: false, errors: { password: `Password ${p}` } };
	if (next !== confirm) return { ok: false, errors: { confirm: 'The two new passwords differ' } };
	await setPasswordHash(db, adminId, await hashPassword(next));
	return { ok: true };
}
