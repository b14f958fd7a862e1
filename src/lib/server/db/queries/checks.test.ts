import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { checkDays, checkHours, checks, monitorState, statusChanges } from '../schema';
import { recordCheck } from './checks';
import { pruneChecks } from './compaction';
import { upsertMonitors } from './monitors';
import { validateMonitor } from '../../monitors/validate';
import type { MonitorStatus } from '../../types';

const input = (tag: string) => {
	const r = validateMonitor({ tag, name: tag, type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1' }] } });
	if (!r.ok) throw new Error('bad fixture');
	return r.value;
};

describe.each(DRIVERS)('checks on %s', (driver) => {
	let t: TestDatabase;
	let id: number;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		await upsertMonitors(t.db, [input('a')]);
		id = (await t.db.query.monitors.findFirst())!.id;
	});

	const rec = (iso: string, status: MonitorStatus, latency: number, tz = 'UTC') =>
		recordCheck(t.db, { monitorId: id, ts: new Date(iso), status, latency, pings: [], error: null }, tz);

	it('writes a slot once: a second write of the same slot changes nothing', async () => {
		expect(await rec('2026-03-01T10:00:00Z', 'UP', 10)).toBe(true);
		expect(await rec('2026-03-01T10:00:00Z', 'DOWN', 0)).toBe(false);
		const rows = await t.db.select().from(checks);
		expect(rows).toHaveLength(1);
		expect(rows[0].status).toBe('UP');
		const [h] = await t.db.select().from(checkHours);
		expect(h).toMatchObject({ up: 1, down: 0, latencyCount: 1, latencySum: 10 });
	});

	it('records an absurd latency as DOWN with the cause, so the rollups never overflow', async () => {
		// Two of these once overflowed latency_sum (float8) and failed every later write of the monitor.
		expect(await rec('2026-03-01T10:00:00Z', 'UP', 1.5e308)).toBe(true);
		expect(await rec('2026-03-01T10:01:00Z', 'UP', 1.5e308)).toBe(true);
		expect(await rec('2026-03-01T10:02:00Z', 'DEGRADED', -1)).toBe(true);
		expect(await rec('2026-03-01T10:03:00Z', 'UP', 12)).toBe(true);
		const rows = await t.db.select().from(checks).orderBy(checks.ts);
		expect(rows.map((r) => [r.status, r.latency, r.error])).toEqual([
			['DOWN', 0, 'latency 1.5e+308 ms: must be 0-3600000'],
			['DOWN', 0, 'latency 1.5e+308 ms: must be 0-3600000'],
			['DOWN', 0, 'latency -1 ms: must be 0-3600000'],
			['UP', 12, null]
		]);
		const [h] = await t.db.select().from(checkHours);
		expect(h).toMatchObject({ up: 1, down: 3, latencyCount: 1, latencySum: 12 });
	});

	it('rolls checks up into hours and days in the same transaction', async () => {
		await rec('2026-03-01T10:00:00Z', 'UP', 10);
		await rec('2026-03-01T10:01:00Z', 'UP', 30);
		await rec('2026-03-01T10:02:00Z', 'DOWN', 0);
		await rec('2026-03-01T10:03:00Z', 'DEGRADED', 200);
		await rec('2026-03-01T10:04:00Z', 'MAINTENANCE', 5);
		await rec('2026-03-01T11:00:00Z', 'UP', 2);
		const hours = await t.db.select().from(checkHours).orderBy(checkHours.bucket);
		expect(hours.map((h) => [h.bucket.toISOString(), h.up, h.degraded, h.down, h.maintenance])).toEqual([
			['2026-03-01T10:00:00.000Z', 2, 1, 1, 1],
			['2026-03-01T11:00:00.000Z', 1, 0, 0, 0]
		]);
		expect(hours[0]).toMatchObject({ latencySum: 240, latencyCount: 3, latencyMin: 10, latencyMax: 200 });
		const days = await t.db.select().from(checkDays);
		expect(days).toHaveLength(1);
		expect(days[0]).toMatchObject({ day: '2026-03-01', up: 3, degraded: 1, down: 1, maintenance: 1, latencyMin: 2 });
	});

	it('cuts days in the site zone', async () => {
		await rec('2026-06-01T21:59:00Z', 'UP', 1, 'Europe/Berlin'); // 23:59 CEST
		await rec('2026-06-01T22:00:00Z', 'DOWN', 0, 'Europe/Berlin'); // 00:00 CEST next day
		const days = await t.db.select().from(checkDays).orderBy(checkDays.day);
		expect(days.map((d) => [d.day, d.up, d.down])).toEqual([
			['2026-06-01', 1, 0],
			['2026-06-02', 0, 1]
		]);
	});

	it('keeps "status now" on the newest slot and "since" at the last change', async () => {
		await rec('2026-03-01T10:00:00Z', 'UP', 1);
		await rec('2026-03-01T10:01:00Z', 'UP', 2);
		await rec('2026-03-01T10:02:00Z', 'DOWN', 0);
		await rec('2026-03-01T10:03:00Z', 'DOWN', 0);
		// A late write of an older slot (e.g. a buffer flush) must not move "now" back.
		await rec('2026-03-01T09:59:00Z', 'UP', 3);
		const [s] = await t.db.select().from(monitorState).where(eq(monitorState.monitorId, id));
		expect(s.status).toBe('DOWN');
		expect(s.ts.toISOString()).toBe('2026-03-01T10:03:00.000Z');
		expect(s.since.toISOString()).toBe('2026-03-01T10:02:00.000Z');
		const changes = await t.db.select().from(statusChanges).orderBy(statusChanges.ts);
		expect(changes.map((c) => [c.ts.toISOString().slice(11, 16), c.fromStatus, c.toStatus])).toEqual([
			['10:00', null, 'UP'],
			['10:02', 'UP', 'DOWN']
		]);
	});

	it('prunes raw checks past retention and keeps the rollups', async () => {
		const now = new Date('2026-06-01T00:00:00Z');
		await rec('2026-02-01T00:00:00Z', 'UP', 1);
		await rec('2026-05-30T00:00:00Z', 'UP', 1);
		expect(await pruneChecks(t.db, 90, now)).toBe(1);
		expect(await t.db.select().from(checks)).toHaveLength(1);
		expect(await t.db.select().from(checkDays)).toHaveLength(2);
	});
});
