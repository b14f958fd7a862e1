// Raw-check storage benchmark: `npx tsx bench/storage.ts`.
//
// On a scratch PostgreSQL database (TEST_DATABASE_URL / DATABASE_URL or the
// local server), writes --monitors monitors × --days days of one-a-minute
// checks with 3 hosts each through recordCheck (the live write path), with a
// realistic mix: ~98 % open, timeouts and refusals with their error text,
// default-eval status (UP when all open) and mean latency. The same checks go
// into a copy of the previous layout (pings as JSON, created_at, the ts index:
// migrations 0000-0002) in the same database, by plain inserts. Then VACUUM
// ANALYZE and pg_total_relation_size (table + indexes + TOAST) per
// monitor-day, for two host mixes: IP literals, and names (each check then
// also records the address dialled and a DNS time). Then compactChecks as the
// scheduler runs it at the end of the last day (every hour but the last 2
// packed into check_blocks) and the size of check_results + check_blocks
// (tables, indexes, TOAST) per monitor-day, after VACUUM FULL of both: in
// steady state the raw table holds ~2-3 h of rows and reuses the space the
// compacted rows left. PASS when that is at most 120 KB per monitor-day
// (3 hosts) in every mix; the raw-only figure is printed beside it.
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/index';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { recordCheck, type CheckInput } from '../src/lib/server/db/queries/checks';
import { compactChecks } from '../src/lib/server/db/queries/compaction';
import { checks, monitors } from '../src/lib/server/db/schema';
import type { Ping } from '../src/lib/server/types';
import { arg } from './lib';

const MONITORS = arg('monitors', 5, 1, 1000);
const DAYS = arg('days', 1, 1, 30);
const TARGET_KB = 120;
const START = Date.parse('2026-03-01T00:00:00Z');

/** Deterministic PRNG (mulberry32). */
function prng(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
/** Whole microseconds in ms, as tcp.ts reports them. */
const us = (ms: number) => Math.round(ms * 1000) / 1000;

type Mix = 'ip' | 'names';
interface HostSpec {
	host: string;
	port: number;
	address: string;
	/** Typical connect time (ms). */
	base: number;
}

function hostsFor(mix: Mix, m: number): HostSpec[] {
	return [0, 1, 2].map((k) => {
		const ip = `10.${m}.${k}.${10 + k}`;
		return {
			host: mix === 'ip' ? ip : `svc${k}.m${m}.example.net`,
			port: [5432, 443, 6379][k],
			address: ip,
			// A LAN host, one a few ms away, one across a continent.
			base: [0.4, 4, 38][k]
		};
	});
}

function check(mix: Mix, monitorId: number, hosts: HostSpec[], ts: number, rand: () => number): CheckInput {
	const pings: Ping[] = hosts.map((h) => {
		const r = rand();
		const jitter = Math.exp((rand() - 0.5) * 0.6);
		const dns = mix === 'names' ? { dnsLatency: us(0.2 + rand() ** 3 * 8) } : { dnsLatency: 0 };
		const base = { host: h.host, port: h.port, type: 'tcp' as const };
		if (r < 0.012) return { status: 'timeout', latency: 1000, ...base, address: h.address, ...dns, error: 'timed out within 1000 ms' };
		if (r < 0.02)
			return {
				status: 'error',
				latency: us(h.base * 0.6 * jitter),
				...base,
				address: h.address,
				...dns,
				error: `ECONNREFUSED: connect ECONNREFUSED ${h.address}:${h.port}`
			};
		return { status: 'open', latency: us(h.base * jitter), ...base, address: h.address, ...dns };
	});
	const up = pings.every((p) => p.status === 'open');
	return {
		monitorId,
		ts: new Date(ts),
		status: up ? 'UP' : 'DOWN',
		latency: pings.reduce((s, p) => s + p.latency, 0) / pings.length,
		pings,
		error: null
	};
}

// The previous layout, as migrations 0000-0002 created it (table "checks").
const OLD_DDL = [
	`create table old_checks (
		monitor_id integer not null references monitors(id) on delete cascade,
		ts timestamp with time zone not null,
		status text not null,
		latency double precision not null,
		pings jsonb not null,
		error text,
		created_at timestamp with time zone default now() not null,
		constraint old_checks_monitor_id_ts_pk primary key (monitor_id, ts))`,
	`create index old_checks_ts_idx on old_checks using btree (ts)`
];

async function main() {
	const scratch = await createScratchPostgres();
	const database = await openDatabase({ url: scratch.url, max: 8 });
	const { db } = database;
	const rows = async <T>(q: ReturnType<typeof sql>) => {
		const r = await db.execute(q);
		return (Array.isArray(r) ? r : (r as unknown as { rows: T[] }).rows) as T[];
	};
	const results: { mix: Mix; oldKb: number; newKb: number; newRowBytes: number; rowsPerMonitorDay: number; packedKb: number }[] = [];
	try {
		console.log(
			`storage bench: ${MONITORS} monitors × ${DAYS} day(s) × 1440 checks, 3 hosts, PostgreSQL ${(await rows<{ v: string }>(sql`select current_setting('server_version') as v`))[0].v}`
		);
		for (const mix of ['ip', 'names'] as Mix[]) {
			await db.execute(sql`truncate monitors restart identity cascade`);
			await db.execute(sql`drop table if exists old_checks`);
			for (const ddl of OLD_DDL) await db.execute(sql.raw(ddl));
			const t0 = Date.now();
			const perMonitor = Array.from({ length: MONITORS }, (_, m) => m);
			let written = 0;
			await Promise.all(
				perMonitor.map(async (m) => {
					const hosts = hostsFor(mix, m);
					const [{ id }] = await db
						.insert(monitors)
						.values({
							tag: `m${m}`,
							name: `M${m}`,
							typeData: { hosts: hosts.map((h) => ({ type: 'tcp', host: h.host, port: h.port, timeout: 1000 })) }
						})
						.returning({ id: monitors.id });
					const rand = prng(1000 + m);
					const batch: CheckInput[] = [];
					for (let i = 0; i < DAYS * 1440; i++) {
						const c = check(mix, id, hosts, START + i * 60_000, rand);
						await recordCheck(db, c, 'UTC');
						batch.push(c);
						written++;
						if (batch.length === 500 || i === DAYS * 1440 - 1) {
							const values = batch.map(
								(c) =>
									sql`(${c.monitorId}, ${c.ts.toISOString()}, ${c.status}, ${c.latency}, ${JSON.stringify(c.pings)}::jsonb, ${c.error})`
							);
							await db.execute(
								sql`insert into old_checks (monitor_id, ts, status, latency, pings, error) values ${sql.join(values, sql`, `)}`
							);
							batch.length = 0;
						}
					}
				})
			);
			const secs = (Date.now() - t0) / 1000;
			await db.execute(sql`vacuum analyze`);
			const [size] = await rows<{ old: string; new: string; n: string; heap: string; idx: string; oldheap: string; oldidx: string }>(sql`
				select pg_total_relation_size('old_checks') as old, pg_total_relation_size(${sql.raw(`'${'check_results'}'`)}) as new,
					(select count(*) from ${checks}) as n,
					pg_relation_size('check_results') as heap, pg_indexes_size('check_results') as idx,
					pg_relation_size('old_checks') as oldheap, pg_indexes_size('old_checks') as oldidx`);
			const n = Number(size.n);
			const md = MONITORS * DAYS;
			const r = {
				mix,
				oldKb: Number(size.old) / 1024 / md,
				newKb: Number(size.new) / 1024 / md,
				newRowBytes: Number(size.new) / n,
				rowsPerMonitorDay: n / md,
				packedKb: 0
			};
			results.push(r);
			const [blob] = await rows<{ b: string }>(sql`select avg(octet_length(hosts)) as b from ${checks}`);
			console.log(
				`\n[${mix === 'ip' ? '3 IP-literal hosts' : '3 named hosts (address + DNS time per check)'}] ${n} checks written through recordCheck in ${secs.toFixed(1)} s (${(written / secs).toFixed(0)}/s)`
			);
			console.log(
				`  before (JSON layout): ${r.oldKb.toFixed(1)} KB per monitor-day, ${(Number(size.old) / n).toFixed(0)} B/check (heap ${(Number(size.oldheap) / n).toFixed(0)}, indexes ${(Number(size.oldidx) / n).toFixed(0)})`
			);
			console.log(
				`  raw rows only:        ${r.newKb.toFixed(1)} KB per monitor-day, ${r.newRowBytes.toFixed(0)} B/check (heap ${(Number(size.heap) / n).toFixed(0)}, index ${(Number(size.idx) / n).toFixed(0)}; host blob ${Number(blob.b).toFixed(1)} B avg)`
			);
			const c0 = Date.now();
			const packed = await compactChecks(db, { now: new Date(START + DAYS * 86_400_000), keepMs: 2 * 3_600_000 });
			const csecs = (Date.now() - c0) / 1000;
			await db.execute(sql`vacuum full check_results`);
			await db.execute(sql`vacuum full check_blocks`);
			await db.execute(sql`vacuum analyze`);
			const [after] = await rows<{
				raw: string;
				blocks: string;
				rawn: string;
				heap: string;
				idx: string;
				toast: string;
				data: string;
				nb: string;
			}>(sql`
				select pg_total_relation_size('check_results') as raw, pg_total_relation_size('check_blocks') as blocks,
					(select count(*) from check_results) as rawn, (select count(*) from check_blocks) as nb,
					(select coalesce(sum(octet_length(data)), 0) from check_blocks) as data,
					pg_relation_size('check_blocks') as heap, pg_indexes_size('check_blocks') as idx,
					pg_total_relation_size('check_blocks') - pg_relation_size('check_blocks') - pg_indexes_size('check_blocks') as toast`);
			r.packedKb = (Number(after.raw) + Number(after.blocks)) / 1024 / md;
			console.log(
				`  compacted:            ${r.packedKb.toFixed(1)} KB per monitor-day, ${((Number(after.raw) + Number(after.blocks)) / n).toFixed(1)} B/check: ${packed.checks} checks into ${packed.blocks} hour blocks in ${csecs.toFixed(1)} s; ` +
					`check_blocks ${(Number(after.blocks) / 1024 / md).toFixed(1)} KB (heap ${(Number(after.heap) / 1024 / md).toFixed(1)}, index ${(Number(after.idx) / 1024 / md).toFixed(1)}, toast ${(Number(after.toast) / 1024 / md).toFixed(1)}; blob ${(Number(after.data) / Number(after.nb)).toFixed(0)} B avg = ${(Number(after.data) / packed.checks).toFixed(1)} B/check), ` +
					`check_results ${(Number(after.raw) / 1024 / md).toFixed(1)} KB (${after.rawn} rows of the last 2 h)`
			);
			console.log(
				`  ${r.packedKb <= TARGET_KB ? 'PASS' : 'FAIL'} (target ≤ ${TARGET_KB} KB per monitor-day); raw rows only: ${r.newKb <= TARGET_KB ? 'PASS' : 'FAIL'}; ${(r.oldKb / r.packedKb).toFixed(1)}× smaller than JSON`
			);
		}
		const ok = results.every((r) => r.packedKb <= TARGET_KB);
		console.log(
			`\n${ok ? 'PASS' : 'FAIL'}: raw checks compacted ${results.map((r) => `${r.mix} ${r.packedKb.toFixed(1)} KB`).join(', ')} per monitor-day (target ≤ ${TARGET_KB} KB; raw rows only: ${results.map((r) => `${r.mix} ${r.newKb.toFixed(1)} KB`).join(', ')})`
		);
		process.exitCode = ok ? 0 : 1;
	} finally {
		await database.close();
		await scratch.drop();
	}
}

await main();
