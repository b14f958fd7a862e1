// Sign-in throttling, per account and per address, kept in the database so
// several processes share it. Attempts within a window first slow the
// response, then lock the key for a while (429). Keys exist for unknown
// emails too, so the answer never tells whether an account exists.
//
// An attempt is reserved before its password is verified, in one statement
// per key: reading the lock first and counting after argon2 let a parallel
// burst verify every guess (issue 10). One INSERT ... ON CONFLICT DO UPDATE is
// atomic on PostgreSQL (the conflicting row is locked), embedded or not, so no
// in-process mutex is needed.
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { loginThrottle } from '../db/schema';

export interface ThrottlePolicy {
	/** Attempts are counted within this window. */
	windowMs: number;
	/** Failed attempts per account (email) before it is locked. */
	accountLimit: number;
	/** Failed attempts per address before it is locked (higher: offices share one). */
	addressLimit: number;
	lockMs: number;
	/** Delay per failure beyond the first two, capped. */
	slowStepMs: number;
	slowMaxMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
	windowMs: 15 * 60_000,
	accountLimit: 5,
	addressLimit: 20,
	lockMs: 15 * 60_000,
	slowStepMs: 400,
	slowMaxMs: 2000
};

export const accountKey = (email: string) => `email:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `ip:${address}`;

export interface ThrottleKey {
	key: string;
	limit: number;
}

/** A reserved attempt: undo it with releaseAttempt when it must not count. */
export interface Reservation extends ThrottleKey {
	/** Attempts in the window, this one included. */
	count: number;
	windowStart: Date;
	/** Set when this attempt reached the limit: the key is locked from now on. */
	lockedUntil: Date | null;
}

export type Reserve = { ok: true; reservation: Reservation } | { ok: false; lockedUntil: Date };

// Raw SQL parameters: ISO text with a cast (a driver may not bind a Date there).
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Counts one attempt against the key unless it is locked, in one statement.
 * Refused (locked) attempts are not counted. The attempt that reaches the
 * limit is still let through (it is within the limit) but locks the key for
 * everyone after it, so at most `limit` attempts per window get verified.
 */
export async function reserveAttempt(
	db: Db,
	{ key, limit }: ThrottleKey,
	policy: ThrottlePolicy = DEFAULT_THROTTLE,
	now = new Date()
): Promise<Reserve> {
	const nowSql = ts(now);
	const lockSql = ts(new Date(now.getTime() + policy.lockMs));
	const t = loginThrottle;
	// A lock that has run out, or a window that has, starts the count afresh.
	const fresh = sql`(${t.lockedUntil} is not null or ${t.windowStart} < ${ts(new Date(now.getTime() - policy.windowMs))})`;
	const count = sql`case when ${fresh} then 1 else ${t.failures} + 1 end`;
	const [row] = await db
		.insert(t)
		.values({ key, failures: 1, windowStart: now, lockedUntil: limit <= 1 ? new Date(now.getTime() + policy.lockMs) : null })
		.onConflictDoUpdate({
			target: t.key,
			set: {
				failures: count,
				windowStart: sql`case when ${fresh} then ${nowSql} else ${t.windowStart} end`,
				lockedUntil: sql`case when ${count} >= ${limit} then ${lockSql} else null end`
			},
			// A key locked now is left as it is: nothing updated, nothing returned.
			setWhere: sql`${t.lockedUntil} is null or ${t.lockedUntil} <= ${nowSql}`
		})
		.returning({ count: t.failures, windowStart: t.windowStart, lockedUntil: t.lockedUntil });
	if (row) return { ok: true, reservation: { key, limit, ...row } };
	// Refused. Read the lock only to say how long it lasts; if it has just been
	// cleared (a success on this account), a full lock is the safe estimate.
	const [held] = await db.select({ lockedUntil: t.lockedUntil }).from(t).where(eq(t.key, key)).limit(1);
	return { ok: false, lockedUntil: held?.lockedUntil ?? new Date(now.getTime() + policy.lockMs) };
}

/**
 * Takes back a reservation that must not count: the attempt was refused by
 * another key, or it succeeded. Only within the same window; a lock this
 * attempt set is lifted when the count drops below the limit again.
 */
export async function releaseAttempt(db: Db, r: Reservation): Promise<void> {
	const t = loginThrottle;
	await db
		.update(t)
		.set({
			failures: sql`${t.failures} - 1`,
			lockedUntil: sql`case when ${t.failures} - 1 < ${r.limit} then null else ${t.lockedUntil} end`
		})
		.where(and(eq(t.key, r.key), sql`${t.windowStart} = ${ts(r.windowStart)}`, gt(t.failures, 0)));
}

/**
 * Reserves an attempt against every key, in order; if one refuses, the
 * reservations already made are released, so a refused attempt counts nowhere.
 */
export async function reserveAttempts(
	db: Db,
	keys: ThrottleKey[],
	policy: ThrottlePolicy = DEFAULT_THROTTLE,
	now = new Date()
): Promise<{ ok: true; reservations: Reservation[] } | { ok: false; lockedUntil: Date }> {
	const reservations: Reservation[] = [];
	for (const key of keys) {
		const r = await reserveAttempt(db, key, policy, now);
		if (!r.ok) {
			for (const done of reservations) await releaseAttempt(db, done);
			return r;
		}
		reservations.push(r.reservation);
	}
	return { ok: true, reservations };
}

export async function clearFailures(db: Db, key: string): Promise<void> {
	await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}

/** How long to hold a failed answer: nothing for the first two, then growing. */
export function slowdownMs(failures: number, policy: ThrottlePolicy = DEFAULT_THROTTLE): number {
	return failures <= 2 ? 0 : Math.min(policy.slowMaxMs, (failures - 2) * policy.slowStepMs);
}
