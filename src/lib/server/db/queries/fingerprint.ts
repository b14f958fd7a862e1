// A cheap fingerprint of a table that callers poll to notice changes without
// being told: it moves on any insert or update (writes bump updated_at) and
// on any delete (ids are never reused, so their sum moves).
import { sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../index';

export async function tableFingerprint(db: Db, table: PgTable & { id: AnyPgColumn; updatedAt: AnyPgColumn }): Promise<string> {
	const [r] = await db
		.select({
			n: sql<number>`count(*)::int`,
			ids: sql<string>`coalesce(sum(${table.id}), 0)::text`,
			at: sql<string>`coalesce(max(${table.updatedAt})::text, '')`
		})
		.from(table);
	return `${r.n}:${r.ids}:${r.at}`;
}
