// Test helper: a fresh, migrated database of either kind. Every DB test runs
// against both, from the same migrations: a throwaway database on the embedded
// PostgreSQL server (the default users get: one server for the whole vitest
// run, started by tests/global-setup.ts, PostgreSQL 18 from the npm package),
// and one on the external Postgres (TEST_DATABASE_URL, DATABASE_URL, or the
// local server CI provides), as with DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from './index';
import { startEmbedded } from './embedded';

export const DRIVERS = ['embedded', 'postgres'] as const;
export type Driver = (typeof DRIVERS)[number];

export function adminUrl(): string {
	return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
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

/** The env variable through which tests/global-setup.ts hands its embedded server's URL to the test processes. */
export const EMBEDDED_URL_ENV = 'PORTHOLE_TEST_EMBEDDED_URL';

let ownEmbedded: Promise<string> | undefined;
/** The shared test embedded server's URL; outside vitest's global setup, one for this process. */
function embeddedAdminUrl(): Promise<string> {
	const url = process.env[EMBEDDED_URL_ENV];
	if (url) return Promise.resolve(url);
	return (ownEmbedded ??= (async () => {
		const dir = mkdtempSync(join(tmpdir(), 'porthole-test-embedded-'));
		const server = await startEmbedded(dir, { fsync: false });
		process.once('beforeExit', () => void server.stop().then(() => rmSync(dir, { recursive: true, force: true })));
		return server.url;
	})());
}

/** Creates an empty Postgres database and returns its URL (and a dropper). */
export async function createScratchPostgres(admin: string = adminUrl()): Promise<{ url: string; drop(): Promise<void> }> {
	const base = new URL(admin);
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

/** An empty database (not migrated) on the embedded test server or the external one. */
export async function createScratchDatabase(driver: Driver): Promise<{ url: string; drop(): Promise<void> }> {
	return createScratchPostgres(driver === 'embedded' ? await embeddedAdminUrl() : adminUrl());
}

export async function openTestDatabase(driver: Driver): Promise<TestDatabase> {
	const scratch = await createScratchDatabase(driver);
	const database = await openDatabase({ url: scratch.url, max: 4 });
	return {
		...database,
		driver,
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
		sql.raw(
			'truncate monitors, check_results, check_host_lists, ping_addresses, check_hours, check_days, monitor_state, status_changes, slot_claims, incidents, incident_updates, incident_monitors, maintenances, maintenance_monitors, admins, sessions, api_keys, setup_tokens, login_throttle, alert_channels, monitor_channels, monitor_alert_state, alert_outbox, alert_deliveries, locations restart identity cascade'
		)
	);
}
