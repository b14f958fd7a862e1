// Sign-in throttling, per account and per address, kept in the database so
// several processes share it. Failures within a window first slow the
// response, then lock the key for a while (429). Keys exist for unknown
// emails too, so the answer never tells whether an account exists.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { loginThrottle } from '../db/schema';

export interface ThrottlePolicy {
	/** Failures are counted within this window. */
	windowMs: number;
	/** Failures per account (email) before it is locked. */
	accountLimit: number;
	/** Failures per address before it is locked (higher: offices share one). */
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

export interface ThrottleState {
	/** Set while locked: when the lock ends. */
	lockedUntil: Date | null;
	/** Failures so far in the window (the larger of the keys). */
	failures: number;
}

/** Whether any of the keys is locked now. Expired locks are cleared. */
export async function throttleState(db: Db, keys: string[], now = new Date()): Promise<ThrottleState> {
	let lockedUntil: Date | null = null;
	let failures = 0;
	for (const key of keys) {
		const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).limit(1);
		if (!row) continue;
		if (row.lockedUntil && row.lockedUntil.getTime() <= now.getTime()) {
			await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
			continue;
		}
		if (row.lockedUntil && (!lockedUntil || row.lockedUntil > lockedUntil)) lockedUntil = row.lockedUntil;
		failures = Math.max(failures, row.failures);
	}
	return { lockedUntil, failures };
}

/** Counts one failure against each key; locks those over their limit. Returns the highest count. */
export async function recordFailure(
	db: Db,
	keys: { key: string; limit: number }[],
	policy: ThrottlePolicy = DEFAULT_THROTTLE,
	now = new Date()
): Promise<number> {
	let highest = 0;
	// Raw SQL parameters: ISO text with a cast (postgres.js will not bind a Date there).
	const windowStart = sql`${new Date(now.getTime() - policy.windowMs).toISOString()}::timestamptz`;
	const nowSql = sql`${now.toISOString()}::timestamptz`;
	for (const { key, limit } of keys) {
		const [row] = await db
			.insert(loginThrottle)
			.values({ key, failures: 1, windowStart: now })
			.onConflictDoUpdate({
				target: loginThrottle.key,
				set: {
					failures: sql`case when ${loginThrottle.windowStart} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
					windowStart: sql`case when ${loginThrottle.windowStart} < ${windowStart} then ${nowSql} else ${loginThrottle.windowStart} end`
				}
			})
			.returning({ failures: loginThrottle.failures });
		if (row.failures >= limit) {
			await db
				.update(loginThrottle)
				.set({ lockedUntil: new Date(now.getTime() + policy.lockMs) })
				.where(eq(loginThrottle.key, key));
		}
		highest = Math.max(highest, row.failures);
	}
	return highest;
}

export async function clearFailures(db: Db, key: string): Promise<void> {
	await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}

/** How long to hold a failed answer: nothing for the first two, then growing. */
export function slowdownMs(failures: number, policy: ThrottlePolicy = DEFAULT_THROTTLE): number {
	return failures <= 2 ? 0 : Math.min(policy.slowMaxMs, (failures - 2) * policy.slowStepMs);
}
