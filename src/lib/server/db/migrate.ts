// Applies the drizzle-kit migrations in drizzle/ with node-postgres's migrator
// (embedded server and DATABASE_URL alike). Several processes may start at once
// (app + workers), so the migration runs under an advisory lock on one
// reserved connection.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Database } from './index';

const MIGRATION_LOCK = 7_346_112; // arbitrary, fixed: "porthole migrations"

/** drizzle/ beside package.json, found by package self-reference so it works from src/ and from build/. */
export function migrationsFolder(): string {
	const require = createRequire(import.meta.url);
	return join(dirname(require.resolve('porthole/package.json')), 'drizzle');
}

export async function migrateDatabase(database: Database): Promise<void> {
	const folder = migrationsFolder();
	const { migrate } = await import('drizzle-orm/node-postgres/migrator');
	const { drizzle } = await import('drizzle-orm/node-postgres');
	const { default: pg } = await import('pg');
	// One connection of its own, so the session-level advisory lock and the
	// migrator's transaction share it.
	const client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: 5000 });
	client.on('error', () => {});
	await client.connect();
	try {
		await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
		await migrate(drizzle(client), { migrationsFolder: folder });
		await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
	} finally {
		await client.end();
	}
}
