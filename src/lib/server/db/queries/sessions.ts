// Admin sessions (sessions), by id: the SHA-256 of the cookie's token (auth/sessions.ts).
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../index';
import { admins, sessions } from '../schema';

export async function insertSession(db: Db, row: { id: string; adminId: number; expiresAt: Date; createdAt: Date }): Promise<void> {
	await db.insert(sessions).values(row);
}

/** A session's expiry with its admin, or undefined. */
export async function sessionWithAdmin(db: Db, id: string) {
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
	return row;
}

export async function deleteSessionById(db: Db, id: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, id));
}

export async function setSessionExpiry(db: Db, id: string, expiresAt: Date): Promise<void> {
	await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
}

/** The ids of an admin's sessions. */
export async function sessionIdsOf(db: Db, adminId: number): Promise<string[]> {
	const rows = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.adminId, adminId));
	return rows.map((r) => r.id);
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
	await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
