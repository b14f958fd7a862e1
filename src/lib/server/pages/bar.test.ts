import { describe, expect, it } from 'vitest';
import { barData, calendar, dayStat, dayStats, expectedSlots, rowBar, uptimeOver } from './bar';
import { emptyDayArrays, type DayCounts } from '../db/queries/days';
import { addDays, dayKey, dayLengthMs, lastDays, zonedMidnight } from '$lib/time';
import { barLabelText, barPaths, dayIndexAt, strokeDays, BAR_WIDTH } from '$lib/bar';
import { mergeDelta, rollupDelta } from '../db/queries/rollup';
import type { MonitorStatus } from '../types';

const counts = (p: Partial<DayCounts>): DayCounts => ({
	up: 0,
	degraded: 0,
	down: 0,
	maintenance: 0,
	latencySum: 0,
	latencyCount: 0,
	...p
});

describe('uptime', () => {
	it('leaves out maintenance and days without data', () => {
		const byDay = new Map<string, DayCounts>([
			['2026-03-01', counts({ up: 98, down: 2, maintenance: 500 })],
			['2026-03-03', counts({ up: 100 })]
		]);
		expect(uptimeOver(byDay, ['2026-03-01', '2026-03-02', '2026-03-03'])).toBeCloseTo(198 / 200, 10);
		expect(uptimeOver(byDay, ['2026-03-02'])).toBeNull();
		expect(uptimeOver(new Map([['x', counts({ maintenance: 10 })]]), ['x'])).toBeNull();
	});
	it('per day agrees with the rollup formula', () => {
		const statuses: MonitorStatus[] = ['UP', 'UP', 'DOWN', 'DEGRADED', 'MAINTENANCE'];
		const d = statuses.map((s) => rollupDelta(s, 10)).reduce(mergeDelta);
		const s = dayStat('2026-03-02', d, { timeZone: 'UTC', slotMs: 60_000, now: Date.parse('2026-04-01'), today: 'x' });
		expect(s.uptime).toBeCloseTo(3 / 4, 10);
		expect(s.avgLatency).toBe(10);
		expect(s).toMatchObject({ checks: 5, downMin: 1, degradedMin: 1, maintenanceMin: 1, expected: 1440 });
	});
});

describe('days in the site zone', () => {
	it('cuts days at local midnight, not UTC', () => {
		// 23:30 UTC on 30 June is already 1 July in Tokyo and still 30 June in New York.
		const t = new Date('2026-06-30T23:30:00Z');
		expect(dayKey(t, 'Asia/Tokyo')).toBe('2026-07-01');
		expect(dayKey(t, 'America/New_York')).toBe('2026-06-30');
		expect(new Date(zonedMidnight('2026-07-01', 'Asia/Tokyo')).toISOString()).toBe('2026-06-30T15:00:00.000Z');
		expect(new Date(zonedMidnight('2026-06-30', 'America/New_York')).toISOString()).toBe('2026-06-30T04:00:00.000Z');
		expect(lastDays(3, t, 'Asia/Tokyo')).toEqual(['2026-06-29', '2026-06-30', '2026-07-01']);
	});
	it('has 23-hour and 25-hour days at the DST changes', () => {
		expect(dayLengthMs('2026-03-29', 'Europe/London')).toBe(23 * 3_600_000);
		expect(dayLengthMs('2026-10-25', 'Europe/London')).toBe(25 * 3_600_000);
		expect(dayLengthMs('2026-03-08', 'America/New_York')).toBe(23 * 3_600_000);
		expect(dayLengthMs('2026-11-01', 'America/New_York')).toBe(25 * 3_600_000);
		expect(dayLengthMs('2026-03-29', 'UTC')).toBe(24 * 3_600_000);
		// A zone whose DST jump skips midnight itself (Chile, September): the day starts at 01:00.
		expect(dayLengthMs('2026-09-06', 'America/Santiago')).toBe(23 * 3_600_000);
	});
	it('expects 1,380 and 1,500 one-minute slots on those days, so a full day is not "partial"', () => {
		const now = Date.parse('2027-01-01');
		expect(expectedSlots('2026-03-29', 'Europe/London', 60_000, now)).toBe(1380);
		expect(expectedSlots('2026-10-25', 'Europe/London', 60_000, now)).toBe(1500);
		const opts = { timeZone: 'Europe/London', slotMs: 60_000, now, today: 'x' };
		// 1,380 checks fill the short day; on the long day they cover 92 % → partial.
		expect(dayStat('2026-03-29', counts({ up: 1380 }), opts).coverage).toBe(1);
		expect(dayStat('2026-10-25', counts({ up: 1380 }), opts).coverage).toBeCloseTo(0.92, 5);
	});
	it('judges today against the slots so far', () => {
		const now = new Date('2026-06-30T06:00:00Z');
		const stats = dayStats(new Map([['2026-06-30', counts({ up: 360 })]]), {
			n: 90,
			timeZone: 'UTC',
			slotMs: 60_000,
			now
		});
		expect(stats).toHaveLength(90);
		expect(stats[89]).toMatchObject({ day: '2026-06-30', today: true, expected: 360, coverage: 1, cls: 'u' });
		expect(stats[0].day).toBe(addDays('2026-06-30', -89));
		expect(stats[0].cls).toBe('n');
	});
	it('draws partly checked days partly filled', () => {
		const now = new Date('2026-07-01T12:00:00Z');
		const stats = dayStats(new Map([['2026-06-30', counts({ up: 720 })]]), { n: 3, timeZone: 'UTC', slotMs: 60_000, now });
		expect(barData(stats)).toEqual({ d: 'nun', p: [[1, 0.5]], w: null });
		// The partial day is grey in the runs, with its colour filled over the lower half.
		expect(barPaths('nun', [[1, 0.5]])).toEqual([
			{ cls: 'n', kind: 'stroke', path: 'M0 16h22' },
			{ cls: 'u', kind: 'fill', path: 'M8 16h6v16h-6z' }
		]);
	});
});

describe('bar geometry', () => {
	it('draws one path per class present, runs of days as one dashed segment each', () => {
		const d = 'u'.repeat(40) + 'a' + 'u'.repeat(47) + 'rs';
		const paths = barPaths(d);
		expect(paths.map((p) => [p.cls, p.kind])).toEqual([
			['u', 'stroke'],
			['a', 'stroke'],
			['r', 'stroke'],
			['s', 'stroke']
		]);
		expect(paths[0].path).toBe('M0 16h318M328 16h374');
		expect(paths[2].path).toBe('M704 16h6');
		expect(paths[3].path).toBe('M712 16h6');
		// Every day is drawn exactly once.
		const all = paths.flatMap((p) => strokeDays(p.path)).sort((a, b) => a - b);
		expect(all).toEqual(Array.from({ length: 90 }, (_, i) => i));
	});
	it('labels the bar for screen readers', () => {
		const d = 'u'.repeat(86) + 'r' + 'a' + 'n' + 'u';
		expect(barLabelText('API', d, [86, 42], 0.99961, '2026-07-17')).toBe(
			'API, 90 days: 87 up, 1 degraded, 1 down (worst 11 Oct, 42 min), 1 no data; 99.96 % uptime'
		);
	});
	it('maps a pointer to its day', () => {
		const rect = { left: 100, width: BAR_WIDTH };
		expect(dayIndexAt(100, rect)).toBe(0);
		expect(dayIndexAt(100 + 8 * 42 + 3, rect)).toBe(42);
		expect(dayIndexAt(100 + BAR_WIDTH, rect)).toBe(89);
		expect(dayIndexAt(0, rect)).toBe(0);
	});
});

describe('home rows (rowBar, finished days memoised)', () => {
	const tz = 'Europe/Berlin';
	const now = new Date('2026-07-10T10:00:00Z');
	const slot = 5 * 60_000;

	it('agrees with the per-day rule (dayStats → barData) and takes today afresh on every call', () => {
		const cal = calendar(90, now, tz);
		const a = emptyDayArrays(90);
		const byDay = new Map<string, DayCounts>();
		const put = (i: number, c: Partial<DayCounts>) => {
			const full = { up: 0, degraded: 0, down: 0, maintenance: 0, latencySum: 0, latencyCount: 0, ...c };
			a.up[i] = full.up;
			a.degraded[i] = full.degraded;
			a.down[i] = full.down;
			a.maintenance[i] = full.maintenance;
			byDay.set(cal.days[i], full);
		};
		put(10, { up: 288 });
		put(50, { up: 280, down: 8 });
		put(60, { up: 100 }); // partly checked
		put(70, { maintenance: 288 });
		put(87, { up: 270, degraded: 18 });
		put(88, { up: 200, down: 13 });
		const today = { up: 100, degraded: 0, down: 5, maintenance: 0 };
		byDay.set(cal.days[89], { ...today, latencySum: 0, latencyCount: 0 });

		const want = barData(dayStats(byDay, { n: 90, timeZone: tz, slotMs: slot, now }));
		const first = rowBar(cal, slot, a, today);
		expect(first.bar).toEqual(want);
		const days = cal.days;
		expect(first.uptime90).toBeCloseTo(uptimeOver(byDay, days)!, 12);
		expect(first.uptime30).toBeCloseTo(uptimeOver(byDay, days.slice(60))!, 12);

		// Same finished days (memoised), a different today: only the last day and the totals move.
		const again = rowBar(cal, slot, a, { up: 110, degraded: 0, down: 0, maintenance: 0 });
		expect(again.bar.d.slice(0, 89)).toBe(first.bar.d.slice(0, 89));
		expect(again.bar.d[89]).toBe('u');
		expect(first.bar.d[89]).toBe('r');
		expect(again.uptime90).toBeGreaterThan(first.uptime90!);
		// The memo is not mutated by a call.
		expect(rowBar(cal, slot, a, today)).toEqual(first);
	});
});
