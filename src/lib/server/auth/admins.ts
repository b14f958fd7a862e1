// Admin accounts: sign-in, creation (setup link, unattended env, or another
// admin), password change. No public sign-up exists anywhere.
import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../db/index';
import { admins } from '../db/schema';
import { hashPassword, passwordProblem, verifyDummy, verifyPassword } from './crypto';
import {
	DEFAULT_THROTTLE,
	accountKey,
	addressKey,
	clearFailures,
	recordFailure,
	slowdownMs,
	throttleState,
	type ThrottlePolicy
} from './throttle';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
// Postgres text cannot hold NUL; the other control characters have no place in an address or a name.
const CONTROL = /[\u0000-\u001f\u007f]/;

export const normalEmail = (email: string) => email.trim().toLowerCase();

export type FieldErrors = Record<string, string>;

export async function countAdmins(db: Db): Promise<number> {
	const [r] = await db.select({ n: count() }).from(admins);
	return Number(r.n);
}

export async function listAdmins(db: Db) {
	return db
		.select({ id: admins.id, email: admins.email, name: admins.name, createdAt: admins.createdAt })
		.from(admins)
		.orderBy(asc(admins.createdAt));
}

export function checkNewAdmin(input: { email: string; name?: string; password: string }): FieldErrors {
	const errors: FieldErrors = {};
	if (!EMAIL.test(input.email.trim()) || input.email.length > 254 || CONTROL.test(input.email))
		errors.email = 'Enter an email address like ops@example.org';
	if ((input.name ?? '').length > 100) errors.name = 'Name must be at most 100 characters';
	else if (CONTROL.test(input.name ?? '')) errors.name = 'Name must not contain control characters';
	const p = passwordProblem(input.password);
	if (p) errors.password = `Password ${p}`;
	return errors;
}

export type CreateResult = { ok: true; id: number } | { ok: false; errors: FieldErrors };

export async function createAdmin(
	db: Db,
	input: { email: string; name?: string; password: string }
): Promise<CreateResult> {
	const errors = checkNewAdmin(input);
	if (Object.keys(errors).length) return { ok: false, errors };
	const email = normalEmail(input.email);
	const passwordHash = await hashPassword(input.password);
	const [row] = await db
		.insert(admins)
		.values({ email, name: (input.name ?? '').trim(), passwordHash })
		.onConflictDoNothing({ target: admins.email })
		.returning({ id: admins.id });
	if (!row) return { ok: false, errors: { email: 'An admin with this email already exists' } };
	return { ok: true, id: row.id };
}

export type SignIn =
	| { ok: true; adminId: number }
	| { ok: false; reason: 'invalid'; delayMs: number }
	| { ok: false; reason: 'throttled'; retryAfterS: number };

/**
 * Checks an email and password, with throttling. The same answer ("invalid")
 * and the same work (an argon2 verification) whether or not the email exists.
 */
export async function signIn(
	db: Db,
	email: string,
	password: string,
	address: string,
	policy: ThrottlePolicy = DEFAULT_THROTTLE,
	now = new Date()
): Promise<SignIn> {
	const acct = accountKey(email);
	const addr = addressKey(address);
	const state = await throttleState(db, [acct, addr], now);
	if (state.lockedUntil) {
		return { ok: false, reason: 'throttled', retryAfterS: Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000) };
	}
	const [row] =
		password.length > 1024
			? []
			: await db.select().from(admins).where(eq(admins.email, normalEmail(email))).limit(1);
	const ok = row ? await verifyPassword(row.passwordHash, password) : await verifyDummy(password);
	if (ok && row) {
		await clearFailures(db, acct);
		return { ok: true, adminId: row.id };
	}
	const failures = await recordFailure(
		db,
		[
			{ key: acct, limit: policy.accountLimit },
			{ key: addr, limit: policy.addressLimit }
		],
		policy,
		now
	);
	const after = await throttleState(db, [acct, addr], now);
	if (after.lockedUntil) {
		return { ok: false, reason: 'throttled', retryAfterS: Math.ceil((after.lockedUntil.getTime() - now.getTime()) / 1000) };
	}
	return { ok: false, reason: 'invalid', delayMs: slowdownMs(failures, policy) };
}

export async function changePassword(
	db: Db,
	adminId: number,
	current: string,
	next: string,
	confirm: string
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
	const [row] = await db.select().from(admins).where(eq(admins.id, adminId)).limit(1);
	if (!row) return { ok: false, errors: { current: 'Account not found' } };
	if (!(await verifyPassword(row.passwordHash, current)))
		return { ok: false, errors: { current: 'Current password is not correct' } };
	const p = passwordProblem(next);
	if (p) return { ok: false, errors: { password: `Password ${p}` } };
	if (next !== confirm) return { ok: false, errors: { confirm: 'The two new passwords differ' } };
	await db
		.update(admins)
		.set({ passwordHash: await hashPassword(next), updatedAt: new Date() })
		.where(eq(admins.id, adminId));
	return { ok: true };
}
