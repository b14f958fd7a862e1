// Sessions in the database. The cookie carries a random token; the row's id
// is its SHA-256. Expiry slides: each use pushes it to 30 days from now, but
// the row is only rewritten once a day has passed, not on every request.
import type { Db } from '../db/index';
import {
	deleteExpiredSessions,
	deleteSessionById,
	insertSession,
	sessionIdsOf,
	sessionWithAdmin,
	setSessionExpiry
} from '../db/queries/sessions';
import { randomToken, sha256 } from './crypto';

export const SESSION_COOKIE = 'porthole_session';
export const SESSION_DAYS = 30;
const DAY = 86_400_000;
export const SESSION_MS = SESSION_DAYS * DAY;
/** Extend when less than this much life is left (i.e. after a day of use). */
const EXTEND_BELOW = SESSION_MS - DAY;

export interface SessionAdmin {
	id: number;
	email: string;
	name: string;
}

export interface ValidSession {
	admin: SessionAdmin;
	expiresAt: Date;
	/** True when the expiry moved: the cookie must be re-set too. */
	extended: boolean;
}

export async function createSession(db: Db, adminId: number, now = new Date()) {
	const token = randomToken();
	const expiresAt = new Date(now.getTime() + SESSION_MS);
	await insertSession(db, { id: sha256(token), adminId, expiresAt, createdAt: now });
	return { token, expiresAt };
}

/** The admin behind a cookie token, or null (unknown or expired; expired rows are deleted). */
export async function validateSession(db: Db, token: string, now = new Date()): Promise<ValidSession | null> {
	if (!token || token.length > 200) return null;
	const id = sha256(token);
	const row = await sessionWithAdmin(db, id);
	if (!row) return null;
	if (row.expiresAt.getTime() <= now.getTime()) {
		await deleteSessionById(db, id);
		return null;
	}
	const admin = { id: row.id, email: row.email, name: row.name };
	if (row.expiresAt.getTime() - now.getTime() < EXTEND_BELOW) {
		const expiresAt = new Date(now.getTime() + SESSION_MS);
		await setSessionExpiry(db, id, expiresAt);
		return { admin, expiresAt, extended: true };
	}
	return { admin, expiresAt: row.expiresAt, extended: false };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
	await deleteSessionById(db, sha256(token));
}

/** Ends every other session of an admin (after a password change). */
export async function deleteOtherSessions(db: Db, adminId: number, keepToken: string): Promise<void> {
	const keep = sha256(keepToken);
	for (const id of await sessionIdsOf(db, adminId)) if (id !== keep) await deleteSessionById(db, id);
}

export async function pruneSessions(db: Db, now = new Date()): Promise<void> {
	await deleteExpiredSessions(db, now);
}

/** Cookie attributes: HttpOnly, SameSite=Lax, Secure when served over https. */
export function sessionCookieOptions(secure: boolean, expires: Date) {
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, expires };
}
