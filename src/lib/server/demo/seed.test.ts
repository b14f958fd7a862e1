import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { checkBlocks, checkDays, checkHours, checks, monitors, monitorState, statusChanges } from '../db/schema';
import { checksBetween, recordCheck } from '../db/queries/checks';
import { prng, simulate, randomEpisodes } from './history';
import { currentTail, seedDemo } from './seed';
import { clearBarCache } from '../db/queries/days';
import { homeData } from '../status-pages';
import { unpackRow } from '$lib/row-html';
import { copyWriter } from './copy';
import type { MonitorStatus } from '../types';

const NOW = new Date('2026-06-30T12:00:00Z');
const TZ = 'Asia/Kolkata'; // +05:30: days cut at 18:30 UTC, so hours and days don't nest

describe.each(DRIVERS)('demo seeder on %s', (driver) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => truncateAll(t));

	it('writes exactly the rollups that recording the same checks one by one writes', async () => {
		await seedDemo(t.db, { monitors: 4, days: 1, timeZone: TZ, port: 9, seed: 3, now: NOW });
		const seeded = await t.db.select().from(monitors).orderBy(asc(monitors.tag));
		expect(seeded.map((m) => [m.tag, m.active])).toEqual([1, 2, 3, 4].map((i) => [`demo-${i}`, true]));
		// demo-4 checks every 5 minutes: 288 checks, few enough to replay one by one.
		const m = seeded[3];
		expect(m.cron).toBe('*/5 * * * *');
		const raw = await checksBetween(t.db, m.id, new Date(0), new Date(NOW.getTime() + 86_400_000));
		expect(raw.length).toBeGreaterThan(200);
		const rollups = async (id: number) => ({
			hours: await t.db.select().from(checkHours).where(eq(checkHours.monitorId, id)).orderBy(asc(checkHours.bucket)),
			days: await t.db.select().from(checkDays).where(eq(checkDays.monitorId, id)).orderBy(asc(checkDays.day))
		});
		const bulk = await rollups(m.id);

		// Replay the seeded raw checks (all of them: 2 days < 7) through the live write path.
		const [copy] = await t.db
			.insert(monitors)
			.values({ tag: 'replay', name: 'Replay', typeData: m.typeData, cron: m.cron, active: false })
			.returning();
		for (const c of raw)
			await recordCheck(t.db, { monitorId: copy.id, ts: c.ts, status: c.status as MonitorStatus, latency: c.latency, pings: c.pings }, TZ);
		const live = await rollups(copy.id);
		const strip = <T extends { monitorId: number }>(rows: T[]) => rows.map(({ monitorId: _, ...r }) => r);
		expect(strip(bulk.hours)).toEqual(strip(live.hours));
		expect(strip(bulk.days)).toEqual(strip(live.days));

		const [state] = await t.db.select().from(monitorState).where(eq(monitorState.monitorId, m.id));
		expect(state.ts).toEqual(raw[raw.length - 1].ts);
		// Changes chain: each one starts from the status the previous one ended in.
		const changes = await t.db.select().from(statusChanges).where(eq(statusChanges.monitorId, m.id)).orderBy(asc(statusChanges.ts));
		for (let i = 1; i < changes.length; i++) expect(changes[i].fromStatus).toBe(changes[i - 1].toStatus);
	}, 120_000);

	it('leaves every monitor current: the page opens on status now, not "no recent data"', async () => {
		await seedDemo(t.db, { monitors: 24, days: 2, timeZone: TZ, port: 9, seed: 7, now: NOW });
		clearBarCache(t.db);
		const home = await homeData(t.db, { title: 'Demo', timeZone: TZ, now: NOW });
		const rows = home.groups.flatMap((g) => g.rows.map(unpackRow));
		expect(rows).toHaveLength(24);
		expect(rows.filter((r) => r.status === 'NODATA').map((r) => r.name)).toEqual([]);
		expect(home.banner.note).toBe('');
		// Seeded through the current slot: the one-minute monitors were checked at NOW itself.
		const states = await t.db.select().from(monitorState);
		expect(Math.max(...states.map((s) => s.ts.getTime()))).toBe(NOW.getTime());
	}, 120_000);

	// COPY over TCP (postgres) and over the embedded server's Unix socket.
	it('writes the same rows through COPY as through inserts', async () => {
		const snapshot = async () => {
			const ms = await t.db.select().from(monitors).orderBy(asc(monitors.tag));
			const tagOf = new Map(ms.map((m) => [m.id, m.tag]));
			const norm = <T extends { monitorId: number }>(rows: T[]) =>
				rows
					.map(({ monitorId, ...r }) => ({ tag: tagOf.get(monitorId), ...r }))
					.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
			return {
				hours: norm(await t.db.select().from(checkHours)),
				days: norm(await t.db.select().from(checkDays)),
				checks: norm(await t.db.select().from(checks)),
				blocks: norm(await t.db.select().from(checkBlocks)),
				changes: norm(await t.db.select().from(statusChanges)),
				state: norm(await t.db.select().from(monitorState))
			};
		};
		const opts = { monitors: 3, days: 1, timeZone: TZ, port: 9, seed: 11, now: NOW };
		const writer = copyWriter(t.url);
		try {
			await seedDemo(t.db, { ...opts, writer });
		} finally {
			await writer.close();
		}
		const viaCopy = await snapshot();
		await seedDemo(t.db, opts);
		const viaInsert = await snapshot();
		// Closed hours are packed into blocks; the last 2 h stay raw rows.
		expect(viaCopy.blocks.reduce((a, b) => a + b.count, 0)).toBeGreaterThan(500);
		expect(viaCopy.checks.length).toBeGreaterThan(0);
		expect(viaCopy).toEqual(viaInsert);
	}, 120_000);
});

describe('simulate', () => {
	it('leaves gaps unchecked and never records two checks in one slot', () => {
		const from = Date.parse('2026-06-01T00:00:00Z');
		const to = from + 86_400_000;
		const h = simulate({ from, to, slotMs: 60_000, timeZone: 'UTC', rawFrom: from, rand: prng(1), baseLatency: 10 }, [
			{ from: from + 3_600_000, to: from + 7_200_000, kind: 'GAP' },
			{ from: from + 36_000_000, to: from + 36_000_000 + 42 * 60_000, kind: 'DOWN' }
		]);
		expect(h.raw.length).toBe(1440 - 60);
		expect(new Set(h.raw.map((c) => c.ts)).size).toBe(h.raw.length);
		expect(h.hours.get(from + 3_600_000)).toBeUndefined();
		expect(h.days.get('2026-06-01')).toMatchObject({ down: 42, up: 1440 - 60 - 42 });
		expect(h.changes.map((c) => c.to)).toEqual(['UP', 'DOWN', 'UP']);
	});
	it('currentTail cuts gaps short of the last slots and keeps the rest', () => {
		const now = 10_000_000;
		const slot = 60_000;
		const cut = now - 4 * slot;
		expect(
			currentTail(
				[
					{ from: now - 3_600_000, to: now, kind: 'GAP' },
					{ from: now - 2 * slot, to: now, kind: 'GAP' },
					{ from: now - 7_200_000, to: now - 3_600_000, kind: 'GAP' },
					{ from: now - 2 * slot, to: now, kind: 'DOWN' }
				],
				now,
				slot
			)
		).toEqual([
			{ from: now - 3_600_000, to: cut, kind: 'GAP' },
			{ from: now - 7_200_000, to: now - 3_600_000, kind: 'GAP' },
			{ from: now - 2 * slot, to: now, kind: 'DOWN' }
		]);
	});
	it('is deterministic for a seed', () => {
		const a = randomEpisodes(0, 90 * 86_400_000, prng(5));
		const b = randomEpisodes(0, 90 * 86_400_000, prng(5));
		expect(a).toEqual(b);
		expect(a.length).toBeGreaterThan(5);
	});
});
