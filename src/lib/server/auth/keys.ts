// API keys: shown once at creation, stored as SHA-256, scoped read or write.
import type { Db } from '../db/index';
import { apiKeyByHash, insertApiKey, setKeyLastUsed } from '../db/queries/api-keys';
import { randomToken, sha256 } from './crypto';
import { hasControlChars } from '../text';

export { listApiKeys, revokeApiKey } from '../db/queries/api-keys';

export type KeyScope = 'read' | 'write';
export const KEY_PREFIX = 'ph_';

export async function createApiKey(db: Db, input: { name: string; scope: KeyScope; createdBy: number | null }) {
	const key = KEY_PREFIX + randomToken();
	const id = await insertApiKey(db, {
		name: input.name.trim(),
		prefix: key.slice(0, KEY_PREFIX.length + 6),
		keyHash: sha256(key),
		scope: input.scope,
		createdBy: input.createdBy
	});
	return { id, key };
}

export function checkKeyInput(name: string, scope: string): Record<string, string> {
	const errors: Record<string, string> = {};
	if (!name.trim()) errors.name = 'Give the key a name, e.g. "deploy script"';
	else if (name.length > 100) errors.name = 'Name must be at most 100 characters';
	// Postgres text cannot hold NUL, and the rest would garble the keys list.
	else if (hasControlChars(name)) errors.name = 'Name must not contain control characters';
	if (scope !== 'read' && scope !== 'write') errors.scope = 'Choose read or write';
	return errors;
}

/** A key's id as the revoke form sends it: digits only, within Postgres' integer range; else null. */
export function parseKeyId(s: string): number | null {
	if (!/^\d{1,10}$/.test(s)) return null;
	const id = Number(s);
	return id >= 1 && id <= 2 ** 31 - 1 ? id : null;
}

/** The scope (and name, which incident updates record as their author) of a live key, or null. Records the use (at most once a minute per key). */
export async function authenticateKey(
	db: Db,
	key: string,
	now = new Date()
): Promise<{ id: number; name: string; scope: KeyScope } | null> {
	if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
	const row = await apiKeyByHash(db, sha256(key));
	if (!row || row.revokedAt) return null;
	if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) await setKeyLastUsed(db, row.id, now);
	return { id: row.id, name: row.name, scope: row.scope === 'write' ? 'write' : 'read' };
}
