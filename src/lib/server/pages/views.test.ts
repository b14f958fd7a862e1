// The view models over rows, without a database: the rows are what the
// queries give (db/queries), the same situations status-pages.test.ts builds
// by recording checks.
import { describe, expect, it } from 'vitest';
import { BAR_DAYS, barLabelText } from '$lib/bar';
import { unpackRow } from '$lib/row-html';
import { emptyDayArrays, type DayCounts } from '../db/queries/days';
import { mergeDelta, rollupDelta, type RollupDelta } from '../db/queries/rollup';
import { calendar } from './bar';
import { homeView, type HomeMonitor } from './home';
import { monitorDaysView } from './days';
import { CHANGES_PER_PAGE, monitorView, type MonitorPageRow } from './monitor';
import { checkSeries, daySeries, hourSeries } from './latency';
import type { MonitorStatus } from '../types';

// Berlin in summer is UTC+2: the site's day starts at 22:00 UTC the evening before.
const TZ = 'Europe/Berlin';
const NOW = new Date('2026-07-10T10:00:00Z');
const MIN = 60_000;
const counts = (p: Partial<DayCounts>): DayCounts => ({
	up: 0,
	degraded: 0,
	down: 0,
	maintenance: 0,
	latencySum: 0,
	latencyCount: 0,
	...p
});
const fold = (checks: [MonitorStatus, number][]): RollupDelta => checks.map(([s, l]) => rollupDelta(s, l)).reduce(mergeDelta);

describe('homeView', () => {
	const monitor = (p: Partial<HomeMonitor> & { id: number; tag: string }): HomeMonitor => ({
		name: p.tag.toUpperCase(),
		description: '',
		group: null,
		cron: '*/5 * * * *',
		status: 'UP',
		lastCheck: new Date('2026-07-10T09:55:00Z'),
		...p
	});

	it('groups in the given order, cuts days at local midnight, and takes today from its own counts', () => {
		const cal = calendar(BAR_DAYS, NOW, TZ);
		const api = emptyDayArrays(BAR_DAYS);
		// 9 July in Berlin (index 88): 25 minutes DOWN (5 checks × 5 min).
		api.down[88] = 5;
		const h = homeView(
			[monitor({ id: 2, tag: 'db', status: 'DEGRADED' }), monitor({ id: 1, tag: 'api', group: 'Core' })],
			{
				past: new Map([[1, api]]),
				today: new Map([
					[1, { up: 1, degraded: 0, down: 0, maintenance: 0 }],
					[2, { up: 0, degraded: 1, down: 0, maintenance: 0 }]
				])
			},
			cal,
			{ title: 'Status', timeZone: TZ, now: NOW }
		);
		expect(h.count).toBe(2);
		expect(h.groups.map((g) => [g.name, g.rows.map((r) => unpackRow(r).tag)])).toEqual([
			[null, ['db']],
			['Core', ['api']]
		]);
		const row = unpackRow(h.groups[1].rows[0]);
		expect(row.bar.d).toHaveLength(90);
		expect(row.bar.d.slice(86)).toBe('nnru');
		expect(row.status).toBe('UP');
		expect(row.bar.w).toEqual([88, 25]);
		expect(h.banner).toMatchObject({ state: 'DEGRADED', headline: 'Degraded performance' });
		expect(h.zone).toBe(TZ);
		expect(h.firstDay).toBe(cal.days[0]);
		expect(barLabelText(row.name, row.bar.d, row.bar.w, row.uptime90, h.firstDay)).toContain('1 down (worst 9 Jul, 25 min)');
	});

	it('shows a monitor whose last check is over three slots old as no data', () => {
		const cal = calendar(BAR_DAYS, NOW, TZ);
		const h = homeView(
			[monitor({ id: 1, tag: 'api', lastCheck: new Date('2026-07-10T08:00:00Z') })],
			{ past: new Map(), today: new Map() },
			cal,
			{ title: 'S', timeZone: TZ, now: NOW }
		);
		expect(unpackRow(h.groups[0].rows[0]).status).toBe('NODATA');
		expect(h.banner.state).toBe('NODATA');
	});
});

describe('monitorDaysView', () => {
	it('words the tooltips of 90 days, today so far', () => {
		// 12 checks from 08:00 UTC every 5 min: 4 DOWN, then 8 UP at 14…21 ms.
		const today = fold(Array.from({ length: 12 }, (_, i) => [i < 4 ? 'DOWN' : 'UP', 10 + i] as [MonitorStatus, number]));
		const days = monitorDaysView({ tag: 'api', name: 'API', cron: '*/5 * * * *' }, new Map([['2026-07-10', today]]), TZ, NOW);
		expect(days.days).toHaveLength(90);
		const t = days.days[89];
		expect(t.title).toBe('Fri 10 Jul 2026 · Europe/Berlin');
		expect(t.note).toBe('Today so far (to 12:00)');
		expect(t.lines[0]).toBe('✕ Down 20 min · ▲ Degraded 0 min · Maintenance 0 min');
		expect(t.lines[1]).toBe('Uptime 66.66 % · avg 18 ms · 12 of 144 checks');
		expect(days.days[0].lines).toEqual(['No data: no checks ran this day.']);
	});
});

describe('monitorView', () => {
	const m: MonitorPageRow = {
		id: 1,
		tag: 'api',
		name: 'API',
		description: '',
		cron: '*/5 * * * *',
		showHosts: true,
		createdAt: new Date('2026-01-01T00:00:00Z'),
		status: 'UP',
		lastCheck: new Date('2026-07-10T08:55:00Z'),
		since: new Date('2026-07-10T08:20:00Z'),
		latency: 21
	};
	const byDay = new Map([['2026-07-10', counts({ up: 8, down: 4 })]]);
	const changes = [
		{ ts: new Date('2026-07-10T08:20:00Z'), fromStatus: 'DOWN', toStatus: 'UP', error: null },
		{ ts: new Date('2026-07-10T08:00:00Z'), fromStatus: null, toStatus: 'DOWN', error: 'ECONNREFUSED' }
	];

	it('builds tiles, changes and hosts from the rows; a stale status is no data', () => {
		const p = monitorView(
			m,
			{ hours: { up: 8, degraded: 0, down: 4 }, byDay, changes, pings: [] },
			{ timeZone: TZ, now: NOW, older: null }
		);
		expect(p.status).toBe('NODATA');
		expect(p.since).toBeNull();
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
		expect(p.olderCursor).toBeNull();
		expect(p.range).toBe('24h');
		expect(
			monitorView(
				{ ...m, showHosts: false },
				{ hours: { up: 0, degraded: 0, down: 0 }, byDay, changes: [], pings: [] },
				{ timeZone: TZ, now: NOW, older: null }
			).hosts
		).toBeNull();
	});

	it('gives an older-page cursor when there is one more change than a page holds', () => {
		const many = Array.from({ length: CHANGES_PER_PAGE + 1 }, (_, i) => ({
			ts: new Date(NOW.getTime() - (i + 1) * 10 * MIN),
			fromStatus: i % 2 ? 'UP' : 'DOWN',
			toStatus: i % 2 ? 'DOWN' : 'UP',
			error: null
		}));
		const p = monitorView(
			m,
			{ hours: { up: 0, degraded: 0, down: 0 }, byDay, changes: many, pings: [] },
			{ timeZone: TZ, now: NOW, older: null, range: '7d' }
		);
		expect(p.changes).toHaveLength(CHANGES_PER_PAGE);
		expect(p.olderCursor).toBe(many[CHANGES_PER_PAGE - 1].ts.toISOString());
		expect(p.range).toBe('7d');
	});
});

describe('latency series from rows', () => {
	const checks = Array.from({ length: 12 }, (_, i) => ({
		ts: new Date(Date.parse('2026-07-10T08:00:00Z') + i * 5 * MIN),
		status: i < 4 ? 'DOWN' : 'UP',
		latency: 10 + i
	}));

	it('24 h: every 5-minute bucket present, DOWN and empty ones null', () => {
		const day = checkSeries(checks, TZ, NOW);
		expect(day.points).toHaveLength(288);
		const at = (iso: string) => day.points.find((p) => p.t === Date.parse(iso))!;
		expect(at('2026-07-10T08:00:00Z')).toMatchObject({ s: 'd', avg: null });
		expect(at('2026-07-10T08:20:00Z')).toMatchObject({ s: 'u', avg: 14, min: 14, max: 14 });
		expect(at('2026-07-10T07:00:00Z')).toMatchObject({ s: 'n', avg: null });
	});

	it('7 d from hourly rows and 90 d from daily rows, cut at local midnight', () => {
		const hour = fold(checks.map((c) => [c.status as MonitorStatus, c.latency]));
		const week = hourSeries('7d', [{ bucket: new Date('2026-07-10T08:00:00Z'), ...hour }], TZ, NOW);
		expect(week.points).toHaveLength(168);
		expect(week.points.find((p) => p.t === Date.parse('2026-07-10T08:00:00Z'))).toMatchObject({ s: 'u', avg: 17.5, min: 14, max: 21 });
		const quarter = daySeries([{ day: '2026-07-10', ...hour }], TZ, NOW);
		expect(quarter.points).toHaveLength(90);
		expect(quarter.points[89]).toMatchObject({ t: Date.parse('2026-07-09T22:00:00Z'), s: 'u', avg: 17.5 });
	});
});
