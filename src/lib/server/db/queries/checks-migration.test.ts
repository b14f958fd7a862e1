// Migration 0004 converts checks stored as JSON (0000-0003 layout) into the
// packed layout; what comes back through the checks queries must be exactly
// what was stored, pings included.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../index';
import { migrateDatabase, migrationsFolder } from '../migrate';
import { createScratchDatabase, DRIVERS } from '../testing';
import { checksBetween, latestPings, recentChecks } from './checks';
import type { Ping } from '../../types';

/** drizzle/ with only the migrations before the packed layout. */
function oldMigrations(): string {
	const src = migrationsFolder();
	const dir = mkdtempSync(join(tmpdir(), 'porthole-mig-'));
	mkdirSync(join(dir, 'meta'));
	const journal = JSON.parse(readFileSync(join(src, 'meta/_journal.json'), 'utf8'));
	journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < '0003');
	for (const e of journal.entries) cpSync(join(src, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
	writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
	return dir;
}

async function migrateTo(database: Database, folder: string) {
	const { migrate } = await import('drizzle-orm/node-postgres/migrator');
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	await migrate(database.db as any, { migrationsFolder: folder });
}

const A: Ping[] = [
	{ status: 'open', latency: 0.412, host: '127.0.0.1', port: 5432, type: 'tcp', address: '127.0.0.1', dnsLatency: 0 },
	{ status: 'open', latency: 23.107, host: 'db.example.com', port: 5432, type: 'tcp', address: '192.0.2.7', dnsLatency: 1.234 },
	{
		status: 'error',
		latency: 0.09,
		host: '::1',
		port: 22,
		type: 'IP6',
		address: '::1',
		dnsLatency: 0,
		error: 'ECONNREFUSED: connect ECONNREFUSED [::1]:22 — “quoted”'
	}
];
const B: Ping[] = [
	{
		status: 'timeout',
		latency: 1000.0000001,
		host: 'db.example.com',
		port: 6543,
		type: 'tcp',
		dnsLatency: 0.30000000000000004,
		error: 'timed out within 1000 ms'
	}
];
const C: Ping[] = [{ status: 'error', latency: 0, host: 'x.example', port: 1, type: 'tcp', error: 'EPROBE: probe failed: boom' }];

describe.each(DRIVERS)('migration of JSON checks on %s', (driver) => {
	const cleanup: (() => Promise<void>)[] = [];
	afterAll(async () => {
		for (const f of cleanup.reverse()) await f();
	});

	it('converts every row, keeping status, latency, error and every ping field', async () => {
		const scratch = await createScratchDatabase(driver);
		const database: Database = await openDatabase({ url: scratch.url, migrate: false, max: 2 });
		cleanup.push(() => scratch.drop());
		cleanup.push(() => database.close());
		const folder = oldMigrations();
		cleanup.push(async () => rmSync(folder, { recursive: true, force: true }));
		await migrateTo(database, folder);

		const db = database.db;
		await db.execute(sql`insert into monitors (tag, name, type_data) values ('a', 'A', '{"hosts":[]}'), ('b', 'B', '{"hosts":[]}')`);
		const rows = [
			{ m: 1, ts: '2026-03-01T10:00:00Z', status: 'UP', latency: 11.7595, pings: A, error: null },
			{ m: 1, ts: '2026-03-01T10:01:00Z', status: 'DOWN', latency: 0.1 + 0.2, pings: A, error: 'eval said so' },
			{ m: 1, ts: '2026-03-01T10:02:00Z', status: 'DEGRADED', latency: 1000, pings: B, error: null },
			{ m: 1, ts: '2026-03-01T10:03:00Z', status: 'UP', latency: 5, pings: A, error: null },
			{ m: 2, ts: '2026-03-01T10:00:30Z', status: 'MAINTENANCE', latency: 0, pings: C, error: null },
			{ m: 2, ts: '2026-03-01T10:01:30Z', status: 'DOWN', latency: 0, pings: [], error: 'no hosts' }
		];
		for (const r of rows)
			await db.execute(
				sql`insert into checks (monitor_id, ts, status, latency, pings, error) values (${r.m}, ${r.ts}, ${r.status}, ${r.latency}, ${JSON.stringify(r.pings)}::jsonb, ${r.error})`
			);

		await migrateDatabase(database);

		const from = new Date('2026-01-01T00:00:00Z');
		const to = new Date('2027-01-01T00:00:00Z');
		const got = [...(await checksBetween(db, 1, from, to)), ...(await checksBetween(db, 2, from, to))];
		expect(got).toEqual(
			rows.map((r) => ({ monitorId: r.m, ts: new Date(r.ts), status: r.status, latency: r.latency, pings: r.pings, error: r.error }))
		);
		expect(await latestPings(db, 1)).toEqual(A);
		expect((await recentChecks(db, 2)).map((c) => c.status)).toEqual(['DOWN', 'MAINTENANCE']);
		// Host lists: A then B for monitor 1 (versions in order of first use), C and [] for monitor 2.
		const lists = await db.execute(sql`select monitor_id, version, hosts from check_host_lists order by monitor_id, version`);
		const listRows = (Array.isArray(lists) ? lists : (lists as unknown as { rows: unknown[] }).rows) as {
			monitor_id: number;
			version: number;
		}[];
		expect(listRows.map((l) => [l.monitor_id, l.version])).toEqual([
			[1, 1],
			[1, 2],
			[2, 1],
			[2, 2]
		]);
		const old = await db.execute(sql`select to_regclass('public.checks') as t`);
		expect(((Array.isArray(old) ? old : (old as unknown as { rows: { t: unknown }[] }).rows) as { t: unknown }[])[0].t).toBeNull();
	}, 60_000);
});
