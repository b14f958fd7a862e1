// Sign-in throttling, per account and per address, kept in the database so
// several processes share it. Attempts within a window first slow the
// response, then lock the key for a while (429). Keys exist for unknown
// emails too, so the answer never tells whether an account exists.
//
// An attempt is reserved before its password is verified, in one statement
// per key (db/queries/login-throttle.ts): reading the lock first and counting
// after argon2 would let a parallel burst verify every guess.
import type { Db } from '../db/index';
import { releaseAttempt, reserveAttempt, type Reservation, type ThrottleKey } from '../db/queries/login-throttle';

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

/** How long to hold a failed answer: nothing for the first two, then growing. */
export function slowdownMs(failures: number, policy: ThrottlePolicy = DEFAULT_THROTTLE): number {
	return failures <= 2 ? 0 : Math.min(policy.slowMaxMs, (failures - 2) * policy.slowStepMs);
}
