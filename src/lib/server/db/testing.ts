// Test helper: a fresh, migrated database of either driver. Every DB test runs
// against both, from the same migrations: PGlite in memory, and a throwaway
// database on the real Postgres (TEST_DATABASE_URL, DATABASE_URL, or the local
// server CI provides).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from './index';

export const DRIVERS = ['pglite', 'postgres'] as const;
export type Driver = (typeof DRIVERS)[number];

export function adminUrl(): string {
	return (
		process.env.TEST_DATABASE_URL ||
		process.env.DATABASE_URL ||
		'postgres://postgres@127.0.0.1:5432/test'
	);
}

export interface TestDatabase extends Database {
	/** Closes the connection and drops the throwaway database. */
	destroy(): Promise<void>;
}

async function adminQuery(url: string, text: string) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

/** Creates an empty Postgres database and returns its URL (and a dropper). */
export async function createScratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
	const base = new URL(adminUrl());
	const name = `porthole_t_${process.pid}_${randomBytes(4).toString('hex')}`;
	await adminQuery(base.toString(), `create database "${name}"`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			await adminQuery(base.toString(), `drop database if exists "${name}" with (force)`);
		}
	};
}

export async function openTestDatabase(driver: Driver): Promise<TestDatabase> {
	if (driver === 'pglite') {
		const database = await openDatabase({});
		return { ...database, destroy: () => database.close() };
	}
	const scratch = await createScratchPostgres();
	const database = await openDatabase({ url: scratch.url, max: 4 });
	return {
		...database,
		async destroy() {
			await database.close();
			await scratch.drop();
		}
	};
}

/** Empties every table (between tests sharing one database). */
export async function truncateAll(database: Database): Promise<void> {
	const { sql } = await import('drizzle-orm');
	const { forgetCheckCaches } = await import('./queries/checks');
	forgetCheckCaches(database.db);
	await database.db.execute(
		sql.raw('truncate monitors, check_results, check_host_lists, ping_addresses, check_hours, check_days, monitor_state, status_changes, slot_claims, admins, sessions, api_keys, setup_tokens, login_throttle restart identity cascade')
	);
}
