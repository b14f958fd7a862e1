// API keys (api_keys), stored by the SHA-256 of the key (auth/keys.ts).
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../index';
import { apiKeys } from '../schema';

export async function insertApiKey(
	db: Db,
	row: { name: string; prefix: string; keyHash: string; scope: 'read' | 'write'; createdBy: number | null }
): Promise<number> {
	const [r] = await db.insert(apiKeys).values(row).returning({ id: apiKeys.id });
	return r.id;
}

export async function listApiKeys(db: Db) {
	return db
		.select({
			id: apiKeys.id,
			name: apiKeys.name,
			prefix: apiKeys.prefix,
			scope: apiKeys.scope,
			createdAt: apiKeys.createdAt,
			lastUsedAt: apiKeys.lastUsedAt,
			revokedAt: apiKeys.revokedAt
		})
		.from(apiKeys)
		.orderBy(desc(apiKeys.createdAt));
}

/** Revokes a live key; false when there is none with this id (or it was revoked already). */
export async function revokeApiKey(db: Db, id: number): Promise<boolean> {
	const rows = await db
		.update(apiKeys)
		.set({ revokedAt: new Date() })
		.where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
		.returning({ id: apiKeys.id });
	return rows.length > 0;
}

export async function apiKeyByHash(db: Db, keyHash: string) {
	const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1);
	return row;
}

export async function setKeyLastUsed(db: Db, id: number, at: Date): Promise<void> {
	await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}
