// Sign-in attempts per key (login_throttle), counted and locked in one
// statement each. One INSERT ... ON CONFLICT DO UPDATE is atomic on
// PostgreSQL (the conflicting row is locked), embedded or not, so no
// in-process mutex is needed. The policy (limits, window, slowdown) is in
// auth/throttle.ts.
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { loginThrottle } from '../schema';

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
	policy: { windowMs: number; lockMs: number },
	now: Date
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

export async function clearFailures(db: Db, key: string): Promise<void> {
	await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
