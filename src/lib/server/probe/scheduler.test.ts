// The loop end to end: real listeners on loopback, the real probe worker, the
// real eval sandbox, both database drivers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { checkBlocks, checkDays, checkHours, checks, monitors, monitorState } from '../db/schema';
import { upsertMonitors } from '../db/queries/monitors';
import { checksBetween, recordCheck } from '../db/queries/checks';
import { validateMonitorList } from '../monitors/validate';
import { silentLogger } from '../log';
import { ProbeWorker } from './pool';
import { EvalSandbox } from '../eval/sandbox';
import { Scheduler, type CheckEvent } from './scheduler';
import type { EvalCheckOptions, EvaluateFn } from './check';
import { listen, type Listener } from '../../../../tests/fixtures/net';
import type { Host } from '../types';

const EVERY_5S = '*/5 * * * * *';

const probeWorker = new ProbeWorker({ maxSockets: 64 });
const probe = (hosts: Host[]) => probeWorker.probe(hosts);
const sandbox = new EvalSandbox();
const { evaluate } = sandbox;

function monitor(tag: string, port: number, extra: Record<string, unknown> = {}) {
	return { tag, name: tag, type: 'TCP', cron: EVERY_5S, type_data: { hosts: [{ host: '127.0.0.1', port, timeout: 500 }] }, ...extra };
}

async function seed(t: TestDatabase, list: unknown[]) {
	const r = validateMonitorList(list);
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	await upsertMonitors(t.db, r.value);
}

function makeScheduler(t: TestDatabase, events: CheckEvent[], evaluateFn: EvaluateFn = evaluate) {
	return new Scheduler({
		db: t.db,
		probe,
		evaluate: evaluateFn,
		timeZone: 'UTC',
		log: silentLogger,
		refreshMs: 200,
		spreadMs: () => 0,
		onCheck: (e) => events.push(e)
	});
}

async function waitFor<T>(fn: () => T | undefined, ms: number, what: string): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

beforeAll(() => probeWorker.start());
afterAll(async () => {
	await probeWorker.stop();
	await sandbox.stop();
});

describe.each(DRIVERS)('probe loop on %s', (driver) => {
	let t: TestDatabase;
	let listener: Listener;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		listener = await listen('127.0.0.1');
	});

	it('turns UP against a listener, then DOWN when it stops; rows and rollups match', { timeout: 40_000 }, async () => {
		await seed(t, [monitor('svc', listener.port)]);
		const events: CheckEvent[] = [];
		const s = makeScheduler(t, events);
		await s.start();
		try {
			const up = await waitFor(() => events.find((e) => e.written), 12_000, 'first check');
			expect(up.outcome.result.status).toBe('UP');
			expect(up.outcome.pings[0]).toMatchObject({ status: 'open', host: '127.0.0.1', port: listener.port, type: 'tcp' });
			expect(up.slot.getTime() % 5000).toBe(0);
			await listener.close();
			const down = await waitFor(() => events.find((e) => e.written && e.outcome.result.status === 'DOWN'), 12_000, 'a DOWN check');
			expect(down.outcome.pings[0].status).toBe('error');
			expect(down.outcome.pings[0].error).toMatch(/^ECONNREFUSED/);
		} finally {
			await s.stop();
		}
		const written = events.filter((e) => e.written);
		const rows = await checksBetween(t.db, events[0].monitorId, new Date(0), new Date(Date.now() + 86_400_000));
		expect(rows.map((r) => r.ts.getTime())).toEqual(written.map((e) => e.slot.getTime()));
		// The pings come back from the packed row exactly as the probe gave them.
		expect(rows.map((r) => r.pings)).toEqual(written.map((e) => e.outcome.pings));
		expect(rows[0]).toMatchObject({ status: 'UP', error: null });
		expect(rows.at(-1)).toMatchObject({ status: 'DOWN' });
		// The spec's default: latency is the average over all hosts, refused ones included.
		expect(rows.at(-1)!.latency).toBeCloseTo(rows.at(-1)!.pings[0].latency, 6);
		expect(rows[0].pings[0].status).toBe('open');
		expect(rows[0].latency).toBeGreaterThan(0);
		const hours = await t.db.select().from(checkHours);
		const days = await t.db.select().from(checkDays);
		const count = (st: string) => rows.filter((r) => r.status === st).length;
		const sum = (xs: { up: number; down: number }[], k: 'up' | 'down') => xs.reduce((a, x) => a + x[k], 0);
		expect(sum(hours, 'up')).toBe(count('UP'));
		expect(sum(hours, 'down')).toBe(count('DOWN'));
		expect(sum(days, 'up')).toBe(count('UP'));
		const [state] = await t.db.select().from(monitorState);
		expect(state.status).toBe('DOWN');
	});

	it('never probes or writes a slot twice: two loops on one database, and a restart', { timeout: 40_000 }, async () => {
		await seed(t, [monitor('twice', listener.port)]);
		const a: CheckEvent[] = [];
		const b: CheckEvent[] = [];
		const s1 = makeScheduler(t, a);
		const s2 = makeScheduler(t, b);
		try {
			await Promise.all([s1.start(), s2.start()]);
			await waitFor(() => a.length + b.length >= 3, 20_000, 'three checks between the two loops');
			await s1.stop();
			await s1.start(); // restart within a slot period
			await waitFor(() => a.length + b.length >= 5, 15_000, 'two more checks after the restart');
		} finally {
			await Promise.all([s1.stop(), s2.stop()]);
		}
		const events = [...a, ...b];
		const slots = events.map((e) => e.slot.getTime());
		// Each slot was probed by exactly one loop; the other saw the claim and skipped it.
		expect(new Set(slots).size).toBe(slots.length);
		expect(s1.stats.claimedElsewhere + s2.stats.claimedElsewhere).toBeGreaterThan(0);
		const rows = await t.db.select().from(checks);
		expect(rows.map((r) => r.ts.getTime()).sort()).toEqual([...slots].sort());
		expect(events.every((e) => e.written)).toBe(true);
		// Every hour row: the slots may straddle an hour boundary.
		const hours = await t.db.select().from(checkHours);
		expect(hours.reduce((n, h) => n + h.up + h.down + h.degraded, 0)).toBe(slots.length);
		await listener.close();
	});

	it(
		'a hostile eval records DOWN with its reason, is quarantined per monitor, and leaves its neighbours alone',
		{ timeout: 40_000 },
		async () => {
			const LOOP = `;(function (p) { while (true) {} }) // ${driver}`;
			await seed(t, [
				monitor('healthy', listener.port),
				monitor('hostile', listener.port, { eval: LOOP }),
				monitor('wrong-shape', listener.port, { eval: ';(async function (p) { return { status: "FINE", latency: 1 } })' }),
				// Finite but absurd: two of these once overflowed the float8 rollups and failed every later write.
				monitor('absurd', listener.port, { eval: ';(function (p) { return { status: "UP", latency: 1.5e308 } })' })
			]);
			const events: CheckEvent[] = [];
			const asked: string[] = [];
			const s = makeScheduler(t, events, (source, pings, opts?: EvalCheckOptions) => {
				asked.push(`${opts?.key} ${opts?.deadline}`);
				return evaluate(source, pings, opts);
			});
			await s.start();
			const count = (tag: string) => events.filter((e) => e.tag === tag && e.written).length;
			try {
				await waitFor(
					() => count('healthy') >= 2 && count('hostile') >= 2 && count('wrong-shape') >= 1 && count('absurd') >= 2,
					20_000,
					'two checks of each monitor'
				);
			} finally {
				await s.stop();
			}
			const byTag = (tag: string) => events.find((e) => e.tag === tag && e.written)!.outcome.result;
			expect(byTag('healthy')).toMatchObject({ status: 'UP' });
			expect(byTag('hostile')).toMatchObject({ status: 'DOWN', latency: 0 });
			expect(byTag('hostile').error).toMatch(/timed out/);
			expect(byTag('wrong-shape').error).toMatch(/FINE/);
			// The loop keys its evaluations by monitor: this monitor is now a suspect (the same code run without a key is not).
			const ids = new Map(events.map((e) => [e.tag, e.monitorId]));
			const lanes = sandbox.lanes;
			expect(lanes.isSuspect(LOOP, `monitor:${ids.get('hostile')}`)).toBe(true);
			expect(lanes.isSuspect(LOOP)).toBe(false);
			// Every evaluation was asked for with its monitor's key and a deadline a second before the next check is due.
			for (const e of events) expect(asked).toContain(`monitor:${e.monitorId} ${e.due + 5000 - 1000}`);
			// Every slot each loop ran got its row, hostile ones included; none was skipped.
			expect(s.stats.skippedOverlap).toBe(0);
			const rows = await t.db.select().from(checks);
			for (const [tag, id] of ids) {
				const mine = rows
					.filter((r) => r.monitorId === id)
					.map((r) => r.ts.getTime())
					.sort();
				expect(mine, tag).toEqual(
					events
						.filter((e) => e.tag === tag && e.written)
						.map((e) => e.slot.getTime())
						.sort()
				);
			}
			const absurd = rows.filter((r) => r.monitorId === ids.get('absurd'));
			expect(absurd.length).toBeGreaterThanOrEqual(2);
			for (const r of absurd)
				expect(r).toMatchObject({ status: 'DOWN', latency: 0, error: 'eval returned latency 1.5e+308 ms: must be 0-3600000' });
			expect(s.stats.writeErrors).toBe(0);
			for (const r of rows.filter((r) => r.monitorId === ids.get('hostile'))) {
				expect(r.status).toBe('DOWN');
				expect(r.error).toMatch(/^(eval timed out after 1000 ms|eval quarantined: )/);
			}
			await listener.close();
		}
	);

	it('an edit saved while a check is in flight does not stall the monitor', { timeout: 60_000 }, async () => {
		// The eval runs into its 1 s limit, so each check is in flight for ~1 s after its slot.
		await seed(t, [monitor('busy', listener.port, { eval: ';(function (p) { while (true) {} })' })]);
		const events: CheckEvent[] = [];
		// Evaluations started and not yet answered: "in flight" is observed, not guessed from the clock
		// (a window of the wall clock can be missed altogether on a loaded machine).
		let started = 0;
		let inFlight = 0;
		const s = makeScheduler(t, events, (source, pings, opts?: EvalCheckOptions) => {
			started++;
			inFlight++;
			return evaluate(source, pings, opts).finally(() => inFlight--);
		});
		await s.start();
		try {
			await waitFor(() => events.find((e) => e.written), 12_000, 'first check');
			// Wait for a later slot's check to be running, then save an edit while it is.
			const before = started;
			// (A suspect's check is sometimes refused at once, so this can take a slot or two.)
			await waitFor(() => started > before && inFlight > 0, 25_000, 'a check in flight');
			await seed(t, [monitor('busy', listener.port, { name: 'busy, mended' })]);
			const mended = await waitFor(
				() => events.find((e) => e.outcome.result.status === 'UP' && e.written),
				15_000,
				'a check with the edited (healthy) monitor'
			);
			expect(mended.tag).toBe('busy');
			expect(s.stats.skippedOverlap).toBeLessThanOrEqual(1);
		} finally {
			await s.stop();
			await listener.close();
		}
	});

	it('packs closed hours into blocks where it prunes, and prunes blocks past the retention', { timeout: 30_000 }, async () => {
		await seed(t, [monitor('idle', listener.port, { active: false })]);
		const [m] = await t.db.select().from(monitors);
		const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
		// Three checks 5 h ago (packed), one 3 days ago (pruned with RETENTION_DAYS=2), one now (stays raw).
		for (const at of [hour - 5 * 3_600_000, hour - 5 * 3_600_000 + 60_000, hour - 5 * 3_600_000 + 120_000, hour - 3 * 86_400_000, hour])
			await recordCheck(t.db, { monitorId: m.id, ts: new Date(at), status: 'UP', latency: 1, pings: [], error: null }, 'UTC');
		const s = new Scheduler({
			db: t.db,
			probe,
			evaluate,
			timeZone: 'UTC',
			log: silentLogger,
			refreshMs: 200,
			retentionDays: 2,
			pruneEveryMs: 60_000
		});
		await s.start();
		try {
			const end = Date.now() + 10_000;
			// The first run starts with the loop; wait until pruning and packing both happened.
			while ((await t.db.select().from(checkBlocks)).length === 0 || (await t.db.select().from(checks)).length > 1) {
				if (Date.now() > end) throw new Error('timed out waiting for compaction');
				await new Promise((r) => setTimeout(r, 50));
			}
		} finally {
			await s.stop();
		}
		const blocks = await t.db.select().from(checkBlocks);
		expect(blocks.map((b) => [b.hour.getTime(), b.count])).toEqual([[hour - 5 * 3_600_000, 3]]);
		expect((await t.db.select().from(checks)).map((c) => c.ts.getTime())).toEqual([hour]);
		expect((await checksBetween(t.db, m.id, new Date(0), new Date(hour + 1000))).length).toBe(4);
	});

	it('applies a monitor edit without a restart', { timeout: 40_000 }, async () => {
		const other = await listen('127.0.0.1');
		await seed(t, [monitor('moving', listener.port)]);
		const events: CheckEvent[] = [];
		const s = makeScheduler(t, events);
		await s.start();
		try {
			await waitFor(() => events.find((e) => e.written), 12_000, 'first check');
			await seed(t, [monitor('moving', other.port)]);
			const moved = await waitFor(() => events.find((e) => e.outcome.pings[0].port === other.port), 12_000, 'a check against the new port');
			expect(moved.outcome.result.status).toBe('UP');
			await t.db.update(monitors).set({ active: false }).where(eq(monitors.tag, 'moving'));
			await new Promise((r) => setTimeout(r, 500));
			expect(s.monitorCount).toBe(0);
		} finally {
			await s.stop();
			await other.close();
			await listener.close();
		}
	});
});
