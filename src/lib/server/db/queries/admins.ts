// Admin accounts (admins). Passwords arrive here already hashed (auth/).
import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../index';
import { admins } from '../schema';

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

/** The new admin's id, or null when one with this email exists (emails arrive normalised). */
export async function insertAdmin(db: Db, row: { email: string; name: string; passwordHash: string }): Promise<number | null> {
	const [r] = await db.insert(admins).values(row).onConflictDoNothing({ target: admins.email }).returning({ id: admins.id });
	return r ? r.id : null;
}

export async function adminByEmail(db: Db, email: string) {
	const [row] = await db.select().from(admins).where(eq(admins.email, email)).limit(1);
	return row;
}

export async function adminById(db: Db, id: number) {
	const [row] = await db.select().from(admins).where(eq(admins.id, id)).limit(1);
	return row;
}

export async function setPasswordHash(db: Db, id: number, passwordHash: string): Promise<void> {
	await db.update(admins).set({ passwordHash, updatedAt: new Date() }).where(eq(admins.id, id));
}
