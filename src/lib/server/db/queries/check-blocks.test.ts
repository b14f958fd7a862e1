// Compaction of closed hours into check_blocks: every reader
// returns exactly what it returned from raw rows, on both drivers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { checkBlocks, checkHours, checks } from '../schema';
import { checksBetween, latestPings, recentChecks, recentPings, recordCheck, type CheckInput } from './checks';
import { compactChecks, pruneChecks } from './compaction';
import { latencyPercentile, percentileCont } from './status';
import { latencySeries } from '../../status-pages';
import { upsertMonitors } from './monitors';
import { validateMonitorList } from '../../monitors/validate';
import type { MonitorStatus, Ping } from '../../types';

const START = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;
/** 6 h 10 min after START: hours 00-03 are closed more than 2 h, 04:00 on stays raw. */
const NOW = new Date(START + 6 * HOUR + 10 * 60_000);

function prng(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const HOSTS = [
	{ host: '10.0.0.1', port: 5432 },
	{ host: 'db.example.net', port: 443 },
	{ host: '2001:db8::1', port: 22 }
];

/** A mix of what checks look like: default-eval means, custom floats, errors, every status, odd slots. */
function fixture(monitorId: number): CheckInput[] {
	const rand = prng(7);
	const out: CheckInput[] = [];
	for (let i = 0; i < 6 * 60 + 10; i++) {
		if (rand() < 0.05) continue; // missed slots
		const ts = new Date(START + i * 60_000 + (i % 7 === 0 ? 30_000 : 0));
		const pings: Ping[] = HOSTS.map((h, k) => {
			const r = rand();
			const base = { host: h.host, port: h.port, type: 'tcp' as const };
			const latency = Math.round((0.3 + k * 10 + rand() * 5) * 1000) / 1000;
			if (r < 0.05)
				return {
					status: 'timeout',
					latency: 1000,
					...base,
					address: k === 1 ? '192.0.2.7' : h.host,
					dnsLatency: k === 1 ? 1.5 : 0,
					error: 'timed out within 1000 ms'
				};
			if (r < 0.08) return { status: 'error', latency, ...base, error: `ECONNREFUSED ${h.host}` };
			return {
				status: 'open',
				latency,
				...base,
				address: k === 1 ? `192.0.2.${1 + (i % 3)}` : h.host,
				dnsLatency: k === 1 ? rand() * 3 : 0
			};
		});
		const alive = pings.every((p) => p.status === 'open');
		const r = rand();
		const status: MonitorStatus = r < 0.05 ? 'MAINTENANCE' : r < 0.15 ? 'DEGRADED' : alive ? 'UP' : 'DOWN';
		const latency =
			r < 0.3 ? pings.reduce((a, p) => a + p.latency, 0) / pings.length : r < 0.6 ? Math.round(rand() * 50_000) / 1000 : rand() * 80;
		out.push({ monitorId, ts, status, latency, pings, error: status === 'DOWN' ? 'a host is down' : r > 0.97 ? 'évaluation: ✓' : null });
	}
	return out;
}

describe.each(DRIVERS)('check blocks on %s', (driver) => {
	let t: TestDatabase;
	let id: number;
	let other: number;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	}, 60_000);
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		const r = validateMonitorList(
			['a', 'b'].map((tag) => ({ tag, name: tag, type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1' }] } }))
		);
		if (!r.ok) throw new Error('bad fixture');
		await upsertMonitors(t.db, r.value);
		const ms = await t.db.query.monitors.findMany({ orderBy: (m, { asc }) => asc(m.id) });
		[id, other] = ms.map((m) => m.id);
		for (const c of [...fixture(id), ...fixture(other).slice(0, 100)]) expect(await recordCheck(t.db, c, 'UTC')).toBe(true);
	}, 120_000);

	/** Everything the readers return for monitor `id`. */
	async function readAll() {
		const from = new Date(START),
			to = new Date(NOW.getTime() + HOUR);
		return {
			recent50: await recentChecks(t.db, id, 50),
			recent200: await recentChecks(t.db, id, 200),
			recentAll: await recentChecks(t.db, id, 1000),
			between: await checksBetween(t.db, id, from, to),
			// Starting and ending mid-hour, inside compacted hours.
			part: await checksBetween(t.db, id, new Date(START + HOUR + 17 * 60_000 + 30_000), new Date(START + 3 * HOUR + 5 * 60_000)),
			// Bounds inside a second: floored as the slots are.
			subsecond: await checksBetween(t.db, id, new Date(START + 63 * 60_000 + 30_000 + 400), new Date(START + 133 * 60_000 + 30_000 + 600)),
			latest: await latestPings(t.db, id),
			recentPings10: await recentPings(t.db, id, 10),
			recentPingsAll: await recentPings(t.db, id, 1000),
			p95: await latencyPercentile(t.db, id, from, 0.95),
			p95mid: await latencyPercentile(t.db, id, new Date(START + 2 * HOUR + 31 * 60_000), 0.95),
			p50: await latencyPercentile(t.db, id, new Date(START + 30 * 60_000), 0.5),
			series: await latencySeries(t.db, id, '24h', 'UTC', NOW),
			otherRecent: await recentChecks(t.db, other, 1000)
		};
	}
	const rawCount = async (monitorId = id) => (await t.db.select().from(checks).where(eq(checks.monitorId, monitorId))).length;

	it('computes p95 exactly as percentile_cont does over raw rows', async () => {
		for (const [from, p] of [
			[START, 0.95],
			[START + 2 * HOUR + 31 * 60_000, 0.95],
			[START + 30 * 60_000, 0.5],
			[START + 6 * HOUR + 9 * 60_000, 0.99]
		]) {
			const r = await t.db.execute<{ v: number | null }>(
				sql`select percentile_cont(${p}::float8) within group (order by latency) as v from check_results where monitor_id = ${id} and ts >= ${(from - Date.UTC(2020, 0, 1)) / 1000} and status in (0, 1)`
			);
			const rows = (Array.isArray(r) ? r : (r as { rows: { v: number | null }[] }).rows) as { v: number | null }[];
			const v = rows[0].v === null ? null : Number(rows[0].v);
			expect(await latencyPercentile(t.db, id, new Date(from), p)).toBe(v);
		}
		expect(percentileCont([], 0.95)).toBeNull();
		expect(percentileCont([3, 1, 2], 0.5)).toBe(2);
		expect(percentileCont([1, 2], 0.95)).toBe(1.95);
	});

	it('keeps every check readable and identical after compaction', async () => {
		const before = await readAll();
		expect(before.recentAll.length).toBeGreaterThan(300);
		// The editor's hints read the newest checks' pings, newest first.
		expect(before.recentPingsAll).toEqual([...before.between].reverse().map((c) => c.pings));
		expect(before.recentPings10).toEqual(before.recentPingsAll.slice(0, 10));
		const r = await compactChecks(t.db, { now: NOW });
		// Monitor a: hours 00-03 (4 blocks); monitor b: its 100 checks, hours 00-01.
		expect(r.blocks).toBe(6);
		const blocks = await t.db.select().from(checkBlocks).where(eq(checkBlocks.monitorId, id)).orderBy(checkBlocks.hour);
		expect(blocks.map((b) => b.hour.toISOString())).toEqual([0, 1, 2, 3].map((h) => new Date(START + h * HOUR).toISOString()));
		const raw = await t.db.select({ ts: checks.ts }).from(checks).where(eq(checks.monitorId, id));
		expect(raw.every((x) => x.ts.getTime() >= START + 4 * HOUR)).toBe(true);
		expect(blocks.reduce((a, b) => a + b.count, 0) + raw.length).toBe(before.recentAll.length);
		expect(await readAll()).toEqual(before);
		const after = await readAll();
		after.between.forEach((c, i) => expect(Object.is(c.latency, before.between[i].latency)).toBe(true));
	});

	it('is idempotent, and two compactions at once pack each check once', async () => {
		const before = await readAll();
		const [a, b] = await Promise.all([compactChecks(t.db, { now: NOW }), compactChecks(t.db, { now: NOW })]);
		expect(a.checks + b.checks).toBe(before.recentAll.length - (await rawCount()) + 100);
		expect(a.blocks + b.blocks).toBe(6);
		expect(await compactChecks(t.db, { now: NOW })).toEqual({ blocks: 0, checks: 0 });
		expect(await readAll()).toEqual(before);
		// Later runs pack the hours that closed since, into new blocks.
		const later = await compactChecks(t.db, { now: new Date(NOW.getTime() + 2 * HOUR), batchHours: 1 });
		expect(later.blocks).toBe(2);
		expect(await readAll()).toEqual(before);
		expect(await rawCount()).toBe(before.recentAll.filter((c) => c.ts.getTime() >= START + 6 * HOUR).length);
	});

	it('refuses a late duplicate of a packed slot and keeps a late new one, merging it into its block', async () => {
		await compactChecks(t.db, { now: NOW });
		const all = await checksBetween(t.db, id, new Date(START), NOW);
		const packed = all.find((c) => c.ts.getTime() < START + HOUR)!;
		const [hourBefore] = await t.db.select().from(checkHours).where(eq(checkHours.monitorId, id)).orderBy(checkHours.bucket).limit(1);
		const rawBefore = await rawCount();
		// A duplicate of a slot in a block: the first write stands, rollups unchanged.
		expect(await recordCheck(t.db, { monitorId: id, ts: packed.ts, status: 'DOWN', latency: 0, pings: [], error: 'late' }, 'UTC')).toBe(
			false
		);
		expect(await rawCount()).toBe(rawBefore);
		const [hourAfter] = await t.db.select().from(checkHours).where(eq(checkHours.monitorId, id)).orderBy(checkHours.bucket).limit(1);
		expect(hourAfter).toEqual(hourBefore);
		// A slot nobody wrote yet, in a packed hour: written, readable at once, then merged.
		const taken = new Set(all.map((c) => c.ts.getTime()));
		let free = START + 5_000;
		while (taken.has(free)) free += 60_000;
		const pings: Ping[] = [
			{ status: 'open', latency: 1.234, host: '10.0.0.1', port: 5432, type: 'tcp', address: '10.0.0.1', dnsLatency: 0 }
		];
		expect(await recordCheck(t.db, { monitorId: id, ts: new Date(free), status: 'UP', latency: 1.234, pings, error: null }, 'UTC')).toBe(
			true
		);
		const withLate = await readAll();
		expect(withLate.between.map((c) => c.ts.getTime())).toEqual(
			[...taken, free].sort((a, b) => a - b).filter((x) => x < NOW.getTime() + HOUR)
		);
		expect(withLate.between.find((c) => c.ts.getTime() === free)).toMatchObject({ status: 'UP', latency: 1.234, pings, error: null });
		expect(await compactChecks(t.db, { now: NOW })).toEqual({ blocks: 1, checks: 1 });
		const [block] = await t.db.select().from(checkBlocks).where(eq(checkBlocks.monitorId, id)).orderBy(checkBlocks.hour).limit(1);
		expect(block.count).toBe(all.filter((c) => c.ts.getTime() < START + HOUR).length + 1);
		expect(await readAll()).toEqual(withLate);
		// And a write of that slot again is a duplicate now that it is packed.
		expect(await recordCheck(t.db, { monitorId: id, ts: new Date(free), status: 'DOWN', latency: 0, pings, error: null }, 'UTC')).toBe(
			false
		);
	});

	it('loses and doubles nothing when writes race a compaction', async () => {
		const before = await checksBetween(t.db, id, new Date(START), NOW);
		const rollup = async () => {
			const hs = await t.db.select().from(checkHours).where(eq(checkHours.monitorId, id));
			return hs.reduce((a, h) => a + h.up + h.degraded + h.down + h.maintenance, 0);
		};
		const counted = await rollup();
		const packedHours = before.filter((c) => c.ts.getTime() < START + 4 * HOUR);
		const dupes = packedHours.map((c) => ({ monitorId: id, ts: c.ts, status: 'DOWN' as const, latency: 0, pings: [], error: 'dupe' }));
		const fresh = packedHours
			.slice(0, 40)
			.map((c) => ({ monitorId: id, ts: new Date(c.ts.getTime() + 5_000), status: 'UP' as const, latency: 2, pings: [], error: null }));
		const writes = [...dupes, ...fresh].sort(() => 0.5 - Math.random());
		const lanes = 3;
		const results = new Map<CheckInput, boolean>();
		let writing = true;
		let runs = 0;
		// Two compactions running over and over while the writes land: late rows get merged as they arrive.
		const compacting = async (batchHours: number) => {
			while (writing) {
				await compactChecks(t.db, { now: NOW, batchHours });
				runs++;
			}
		};
		await Promise.all([
			compacting(1),
			compacting(2),
			Promise.all(
				Array.from({ length: lanes }, async (_, k) => {
					for (let i = k; i < writes.length; i += lanes) results.set(writes[i], await recordCheck(t.db, writes[i], 'UTC'));
				})
			).finally(() => (writing = false))
		]);
		expect(runs).toBeGreaterThan(2);
		expect(dupes.filter((d) => results.get(d))).toEqual([]);
		expect(fresh.every((f) => results.get(f))).toBe(true);
		expect(await rollup()).toBe(counted + fresh.length);
		await compactChecks(t.db, { now: NOW });
		const after = await checksBetween(t.db, id, new Date(START), NOW);
		expect(after.map((c) => c.ts.getTime())).toEqual([...before, ...fresh].map((c) => c.ts.getTime()).sort((a, b) => a - b));
		const old = new Map(before.map((c) => [c.ts.getTime(), c]));
		for (const c of after) if (old.has(c.ts.getTime())) expect(c).toEqual(old.get(c.ts.getTime()));
		expect((await t.db.select().from(checks).where(eq(checks.monitorId, id))).every((r) => r.ts.getTime() >= START + 4 * HOUR)).toBe(true);
	}, 60_000);

	it('retention deletes whole blocks and old raw rows, counting their checks', async () => {
		await compactChecks(t.db, { now: NOW });
		const blocks = await t.db.select().from(checkBlocks).orderBy(checkBlocks.monitorId, checkBlocks.hour);
		// Cut at 01:30 one day later: blocks of hour 00 go (both monitors), hour 01 stays whole.
		const now = new Date(START + 86_400_000 + HOUR + 30 * 60_000);
		const gone = blocks.filter((b) => b.hour.getTime() === START).reduce((a, b) => a + b.count, 0);
		expect(await pruneChecks(t.db, 1, now)).toBe(gone);
		const left = await t.db.select().from(checkBlocks).orderBy(checkBlocks.monitorId, checkBlocks.hour);
		expect(left.every((b) => b.hour.getTime() >= START + HOUR)).toBe(true);
		expect(left).toHaveLength(blocks.length - 2);
		expect((await checksBetween(t.db, id, new Date(0), NOW))[0].ts.getTime()).toBeGreaterThanOrEqual(START + HOUR);
		// Two days on, everything goes: blocks and the raw rows alike.
		const total = (await recentChecks(t.db, id, 10_000)).length + (await recentChecks(t.db, other, 10_000)).length;
		expect(await pruneChecks(t.db, 1, new Date(START + 3 * 86_400_000))).toBe(total);
		expect(await t.db.select().from(checkBlocks)).toHaveLength(0);
		expect(await t.db.select().from(checks)).toHaveLength(0);
	});
});
