// Sessions in the database. The cookie carries a random token; the row's id
// is its SHA-256. Expiry slides: each use pushes it to 30 days from now, but
// the row is only rewritten once a day has passed, not on every request.
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/index';
import { admins, sessions } from '../db/schema';
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
	await db.insert(sessions).values({ id: sha256(token), adminId, expiresAt, createdAt: now });
	return { token, expiresAt };
}

/** The admin behind a cookie token, or null (unknown or expired; expired rows are deleted). */
export async function validateSession(db: Db, token: string, now = new Date()): Promise<ValidSession | null> {
	if (!token || token.length > 200) return null;
	const id = sha256(token);
	const [row] = await db
		.select({
			expiresAt: sessions.expiresAt,
			id: admins.id,
			email: admins.email,
			name: admins.name
		})
		.from(sessions)
		.innerJoin(admins, eq(admins.id, sessions.adminId))
		.where(eq(sessions.id, id))
		.limit(1);
	if (!row) return null;
	if (row.expiresAt.getTime() <= now.getTime()) {
		await db.delete(sessions).where(eq(sessions.id, id));
		return null;
	}
	const admin = { id: row.id, email: row.email, name: row.name };
	if (row.expiresAt.getTime() - now.getTime() < EXTEND_BELOW) {
		const expiresAt = new Date(now.getTime() + SESSION_MS);
		await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
		return { admin, expiresAt, extended: true };
	}
	return { admin, expiresAt: row.expiresAt, extended: false };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sha256(token)));
}

/** Ends every other session of an admin (after a password change). */
export async function deleteOtherSessions(db: Db, adminId: number, keepToken: string): Promise<void> {
	const keep = sha256(keepToken);
	const rows = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.adminId, adminId));
	for (const r of rows) if (r.id !== keep) await db.delete(sessions).where(eq(sessions.id, r.id));
}

export async function pruneSessions(db: Db, now = new Date()): Promise<void> {
	await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

export async function countSessions(db: Db, adminId: number, now = new Date()): Promise<number> {
	const rows = await db
		.select({ id: sessions.id })
		.from(sessions)
		.where(and(eq(sessions.adminId, adminId), gt(sessions.expiresAt, now)));
	return rows.length;
}

/** Cookie attributes: HttpOnly, SameSite=Lax, Secure when served over https. */
export function sessionCookieOptions(secure: boolean, expires: Date) {
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, expires };
}
