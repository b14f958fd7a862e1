import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from './db/testing';
import { recordCheck } from './db/queries/checks';
import { upsertMonitors } from './db/queries/monitors';
import { clearBarCache } from './db/queries/days';
import { validateMonitorList } from './monitors/validate';
import type { MonitorStatus } from './types';
import { homeData, latencySeries, monitorDays, monitorPage } from './status-pages';
import { barLabelText } from '$lib/bar';
import { unpackRow } from '$lib/row-html';

// Berlin in summer is UTC+2: the site's day starts at 22:00 UTC the evening before.
const TZ = 'Europe/Berlin';
const NOW = new Date('2026-07-10T10:00:00Z');
const MIN = 60_000;

describe.each(DRIVERS)('status pages on %s', (driver) => {
	let t: TestDatabase;
	const ids: Record<string, number> = {};
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		clearBarCache(t.db);
		const r = validateMonitorList([
			{
				tag: 'api',
				type: 'TCP',
				name: 'API',
				cron: '*/5 * * * *',
				group: 'Core',
				show_hosts: true,
				type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] }
			},
			{ tag: 'db', type: 'TCP', name: 'DB', cron: '*/5 * * * *', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] } },
			{ tag: 'secret', type: 'TCP', name: 'Secret', public: false, type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] } }
		]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(t.db, r.value);
		for (const m of await t.db.query.monitors.findMany()) ids[m.tag] = m.id;
	});

	async function check(tag: string, ts: Date, status: MonitorStatus, latency = 10) {
		await recordCheck(t.db, { monitorId: ids[tag], ts, status, latency, pings: [], error: status === 'DOWN' ? 'ECONNREFUSED' : null }, TZ);
	}

	it('home: public monitors only, grouped, with bars cut at local midnight', async () => {
		// 23:30 UTC on 8 July is already 9 July in Berlin: 25 minutes DOWN there (5 checks × 5 min).
		for (let i = 0; i < 5; i++) await check('api', new Date(Date.parse('2026-07-08T23:30:00Z') + i * 5 * MIN), 'DOWN');
		await check('api', new Date('2026-07-10T09:55:00Z'), 'UP');
		await check('db', new Date('2026-07-10T09:55:00Z'), 'DEGRADED');
		await check('secret', new Date('2026-07-10T09:55:00Z'), 'DOWN');

		const h = await homeData(t.db, { title: 'Status', timeZone: TZ, now: NOW });
		expect(h.count).toBe(2);
		expect(h.groups.map((g) => [g.name, g.rows.map((r) => unpackRow(r).tag)])).toEqual([
			[null, ['db']],
			['Core', ['api']]
		]);
		expect(JSON.stringify(h)).not.toContain('secret');
		const api = unpackRow(h.groups[1].rows[0]);
		expect(api.bar.d).toHaveLength(90);
		// index 88 = 9 July (yesterday in Berlin): 25 min down → red; 8 July untouched.
		expect(api.bar.d.slice(86)).toBe('nnru');
		expect(api.status).toBe('UP');
		expect(h.banner).toMatchObject({ state: 'DEGRADED', headline: 'Degraded performance' });
		expect(h.zone).toBe(TZ);
		expect(api.bar.w).toEqual([88, 25]);
		expect(barLabelText(api.name, api.bar.d, api.bar.w, api.uptime90, h.firstDay)).toContain('1 down (worst 9 Jul, 25 min)');
	});

	it('home: stale status counts as no data, and today is refreshed while finished days are reused', async () => {
		await check('api', new Date('2026-07-10T08:00:00Z'), 'UP');
		const first = await homeData(t.db, { title: 'S', timeZone: TZ, now: NOW });
		expect(unpackRow(first.groups[1].rows[0]).status).toBe('NODATA');
		// A late write into a finished day is picked up after the cache's minute, a write today at once.
		await check('api', new Date('2026-07-09T12:00:00Z'), 'DOWN');
		await check('api', new Date('2026-07-10T09:55:00Z'), 'DOWN');
		const again = await homeData(t.db, { title: 'S', timeZone: TZ, now: new Date(NOW.getTime() + 1000) });
		expect(unpackRow(again.groups[1].rows[0]).bar.d.slice(88)).toBe('na');
		const later = await homeData(t.db, { title: 'S', timeZone: TZ, now: new Date(NOW.getTime() + 61_000) });
		expect(unpackRow(later.groups[1].rows[0]).bar.d.slice(88)).toBe('aa');
	});

	it('day tooltips and the monitor page; hidden monitors are unknown', async () => {
		for (let i = 0; i < 12; i++)
			await check('api', new Date(Date.parse('2026-07-10T08:00:00Z') + i * 5 * MIN), i < 4 ? 'DOWN' : 'UP', 10 + i);
		expect(await monitorDays(t.db, 'secret', TZ, NOW)).toBeNull();
		expect(await monitorPage(t.db, { tag: 'secret', timeZone: TZ, now: NOW })).toBeNull();
		expect(await monitorPage(t.db, { tag: 'nope', timeZone: TZ, now: NOW })).toBeNull();

		const days = (await monitorDays(t.db, 'api', TZ, NOW))!;
		const today = days.days[89];
		expect(today.title).toBe('Fri 10 Jul 2026 · Europe/Berlin');
		expect(today.note).toBe('Today so far (to 12:00)');
		expect(today.lines[0]).toBe('✕ Down 20 min · ▲ Degraded 0 min · Maintenance 0 min');
		// 12 checks of the 144 five-minute slots since local midnight; latency averages the UP checks only (14…21 ms).
		expect(today.lines[1]).toBe('Uptime 66.66 % · avg 18 ms · 12 of 144 checks');
		expect(days.days[0].lines).toEqual(['No data: no checks ran this day.']);

		const p = (await monitorPage(t.db, { tag: 'api', timeZone: TZ, now: NOW }))!;
		// The last check (08:55 UTC) is over three slots old: no recent data, whatever it said.
		expect(p.status).toBe('NODATA');
		expect(p.tiles.map((x) => [x.window, x.uptime])).toEqual([
			['24h', 8 / 12],
			['7d', 8 / 12],
			['30d', 8 / 12],
			['90d', 8 / 12]
		]);
		expect(p.changes.map((c) => [c.to, c.length])).toEqual([
			['UP', 'ongoing, 1 h 40 min'],
			['DOWN', '20 min']
		]);
		expect(p.changes[1].when).toBe('Fri 10 Jul 2026 · 10:00 → 10:20 Europe/Berlin');
		expect(p.changes[1].reason).toBe('ECONNREFUSED');
		expect(p.hosts).toEqual([]);
		const db = (await monitorPage(t.db, { tag: 'db', timeZone: TZ, now: NOW }))!;
		expect(db.hosts).toBeNull();
	});

	it('latency series: every bucket present, DOWN and empty ones null', async () => {
		for (let i = 0; i < 12; i++)
			await check('api', new Date(Date.parse('2026-07-10T08:00:00Z') + i * 5 * MIN), i < 4 ? 'DOWN' : 'UP', 10 + i);
		const day = await latencySeries(t.db, ids.api, '24h', TZ, NOW);
		expect(day.points).toHaveLength(288);
		const at = (iso: string) => day.points.find((p) => p.t === Date.parse(iso))!;
		expect(at('2026-07-10T08:00:00Z')).toMatchObject({ s: 'd', avg: null });
		expect(at('2026-07-10T08:20:00Z')).toMatchObject({ s: 'u', avg: 14, min: 14, max: 14 });
		expect(at('2026-07-10T07:00:00Z')).toMatchObject({ s: 'n', avg: null });
		const week = await latencySeries(t.db, ids.api, '7d', TZ, NOW);
		expect(week.points).toHaveLength(168);
		const hour8 = week.points.find((p) => p.t === Date.parse('2026-07-10T08:00:00Z'))!;
		// 4 DOWN + 8 UP (14…21 ms) in that hour: mostly up, latency over the UP checks only.
		expect(hour8).toMatchObject({ s: 'u', avg: 17.5, min: 14, max: 21 });
		const quarter = await latencySeries(t.db, ids.api, '90d', TZ, NOW);
		expect(quarter.points).toHaveLength(90);
		expect(quarter.points[89].t).toBe(Date.parse('2026-07-09T22:00:00Z'));
	});
});
