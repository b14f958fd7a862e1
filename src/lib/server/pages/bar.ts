// The 90-day bar's data: each calendar day of the site zone, its
// counts from the daily rollup, its expected slots and coverage, run through
// the day rule ($lib/day-colour, which decides the colour). Minutes are checks
// × the monitor's slot length (from its cron), so a monitor checked every 5 s
// and one checked every 5 min give the same colour for the same outage.
import { uptimeRatio } from '../db/queries/rollup';
import type { DayArrays, DayCounts, StatusCounts } from '../db/queries/days';
import { dayLengthMs, lastDays, zonedMidnight } from '$lib/time';
import { dayClass, partialCoverage, type DayClass } from '$lib/day-colour';
import type { BarData } from '$lib/types';

export interface DayStat {
	day: string;
	cls: DayClass;
	/** Share of the day's expected slots that were checked, 0-1 (capped at 1). */
	coverage: number;
	checks: number;
	expected: number;
	downMin: number;
	degradedMin: number;
	maintenanceMin: number;
	/** Fraction 0-1; null when no UP/DEGRADED/DOWN check ran. */
	uptime: number | null;
	avgLatency: number | null;
	/** Today: the day is not over yet. */
	today: boolean;
}

/**
 * Slots the day should have held: the whole day's length (23, 24 or 25 h) over
 * the slot, or for today the slots so far, and never before the monitor existed.
 */
export function expectedSlots(day: string, timeZone: string, slot: number, now: number, createdAt?: number): number {
	const start = zonedMidnight(day, timeZone);
	const end = start + dayLengthMs(day, timeZone);
	const from = createdAt !== undefined ? Math.max(start, createdAt) : start;
	const to = Math.min(end, now);
	if (to <= from) return 0;
	return Math.max(1, Math.floor((to - from) / slot));
}

/**
 * The request's calendar: the last n days in the site zone with their start
 * and length, computed once and shared by every row (a home page with 1,000
 * monitors must not redo zone arithmetic 90,000 times).
 */
export interface Calendar {
	days: string[];
	index: Map<string, number>;
	starts: number[];
	lengths: number[];
	now: number;
	timeZone: string;
	expectedBySlot: Map<number, number[]>;
}

export function calendar(n: number, now: Date, timeZone: string): Calendar {
	const days = lastDays(n, now, timeZone);
	const starts = days.map((d) => zonedMidnight(d, timeZone));
	const lengths = days.map((d) => dayLengthMs(d, timeZone));
	return { days, index: new Map(days.map((d, i) => [d, i])), starts, lengths, now: now.getTime(), timeZone, expectedBySlot: new Map() };
}

/** Expected slots per calendar day for a slot length (today: so far), memoised per calendar. */
export function expectedFor(cal: Calendar, slot: number): number[] {
	let e = cal.expectedBySlot.get(slot);
	if (!e) {
		e = cal.starts.map((start, i) => {
			const to = Math.min(start + cal.lengths[i], cal.now);
			return to <= start ? 0 : Math.max(1, Math.floor((to - start) / slot));
		});
		cal.expectedBySlot.set(slot, e);
	}
	return e;
}

export interface RowBar {
	bar: BarData;
	uptime90: number | null;
	uptime30: number | null;
	/** Class counts and the worst day by down minutes, for the bar's label. */
	counts: Record<DayClass, number>;
	worst: { index: number; downMin: number } | null;
}

interface Acc {
	d: string;
	p: [number, number][];
	counts: Record<DayClass, number>;
	worst: RowBar['worst'];
	up90: number;
	dg90: number;
	dn90: number;
	up30: number;
	dg30: number;
	dn30: number;
}

/** Adds day i with counts c to the row's running totals (the one rule for every day of a row). */
function addDay(acc: Acc, i: number, n: number, c: StatusCounts, expected: number, slotMinutes: number) {
	const cls = dayClass(c, slotMinutes);
	acc.d += cls;
	acc.counts[cls]++;
	const checks = c.up + c.degraded + c.down + c.maintenance;
	const share = expected > 0 ? partialCoverage(cls, checks / expected) : null;
	if (share !== null) acc.p.push([i, share]);
	if (c.down > 0 && (!acc.worst || c.down * slotMinutes > acc.worst.downMin)) acc.worst = { index: i, downMin: c.down * slotMinutes };
	acc.up90 += c.up;
	acc.dg90 += c.degraded;
	acc.dn90 += c.down;
	if (i >= n - 30) {
		acc.up30 += c.up;
		acc.dg30 += c.degraded;
		acc.dn30 += c.down;
	}
}

/**
 * The finished days of a row, memoised per cached DayArrays: the home page
 * reuses its finished days for a minute, so each row's 89 past days are
 * classified once a minute, not on every request.
 */
const pastMemo = new WeakMap<DayArrays, Map<string, Readonly<Acc>>>();

function pastDays(cal: Calendar, slot: number, a: DayArrays): Readonly<Acc> {
	const n = cal.days.length;
	const key = `${slot} ${cal.timeZone} ${cal.days[0]} ${n}`;
	let byKey = pastMemo.get(a);
	if (!byKey) pastMemo.set(a, (byKey = new Map()));
	let acc = byKey.get(key);
	if (!acc) {
		const expected = expectedFor(cal, slot);
		const slotMinutes = slot / 60_000;
		const next: Acc = {
			d: '',
			p: [],
			counts: { u: 0, a: 0, r: 0, s: 0, m: 0, n: 0 },
			worst: null,
			up90: 0,
			dg90: 0,
			dn90: 0,
			up30: 0,
			dg30: 0,
			dn30: 0
		};
		const c = { up: 0, degraded: 0, down: 0, maintenance: 0 };
		for (let i = 0; i < n - 1; i++) {
			c.up = a.up[i];
			c.degraded = a.degraded[i];
			c.down = a.down[i];
			c.maintenance = a.maintenance[i];
			addDay(next, i, n, c, expected[i], slotMinutes);
		}
		byKey.set(key, (acc = next));
	}
	return acc;
}

/**
 * Classes, partial days and window uptimes for one row, with the same rules
 * as dayStat. `today`, when given, replaces the arrays' last day (the home
 * page keeps finished days cached and reads only today afresh).
 */
export function rowBar(cal: Calendar, slot: number, a: DayArrays, today?: StatusCounts): RowBar {
	const n = cal.days.length;
	const past = pastDays(cal, slot, a);
	const acc: Acc = { ...past, p: past.p.slice(), counts: { ...past.counts } };
	const last = today ?? { up: a.up[n - 1], degraded: a.degraded[n - 1], down: a.down[n - 1], maintenance: a.maintenance[n - 1] };
	addDay(acc, n - 1, n, last, expectedFor(cal, slot)[n - 1], slot / 60_000);
	return {
		bar: { d: acc.d, p: acc.p, w: acc.worst ? [acc.worst.index, acc.worst.downMin] : null },
		uptime90: uptimeRatio({ up: acc.up90, degraded: acc.dg90, down: acc.dn90 }),
		uptime30: uptimeRatio({ up: acc.up30, degraded: acc.dg30, down: acc.dn30 }),
		counts: acc.counts,
		worst: acc.worst
	};
}

export function dayStat(
	day: string,
	c: DayCounts | undefined,
	opts: { timeZone: string; slotMs: number; now: number; today: string }
): DayStat {
	const counts = c ?? { up: 0, degraded: 0, down: 0, maintenance: 0, latencySum: 0, latencyCount: 0 };
	const slotMinutes = opts.slotMs / 60_000;
	const checks = counts.up + counts.degraded + counts.down + counts.maintenance;
	const expected = expectedSlots(day, opts.timeZone, opts.slotMs, opts.now);
	return {
		day,
		cls: dayClass(counts, slotMinutes),
		coverage: checks === 0 ? 0 : expected === 0 ? 1 : Math.min(1, checks / expected),
		checks,
		expected,
		downMin: counts.down * slotMinutes,
		degradedMin: counts.degraded * slotMinutes,
		maintenanceMin: counts.maintenance * slotMinutes,
		uptime: uptimeRatio(counts),
		avgLatency: counts.latencyCount > 0 ? counts.latencySum / counts.latencyCount : null,
		today: day === opts.today
	};
}

/** The last n days of one monitor, oldest first; `byDay` holds its check_days rows. */
export function dayStats(byDay: Map<string, DayCounts>, opts: { n: number; timeZone: string; slotMs: number; now: Date }): DayStat[] {
	const days = lastDays(opts.n, opts.now, opts.timeZone);
	const today = days[days.length - 1];
	const o = { timeZone: opts.timeZone, slotMs: opts.slotMs, now: opts.now.getTime(), today };
	return days.map((d) => dayStat(d, byDay.get(d), o));
}

/** Uptime over the last `n` of the given days (MAINTENANCE and no-data days left out). */
export function uptimeOver(byDay: Map<string, DayCounts>, days: string[]): number | null {
	let up = 0;
	let degraded = 0;
	let down = 0;
	for (const d of days) {
		const c = byDay.get(d);
		if (!c) continue;
		up += c.up;
		degraded += c.degraded;
		down += c.down;
	}
	return uptimeRatio({ up, degraded, down });
}

export function barData(stats: DayStat[]): BarData {
	const p: [number, number][] = [];
	stats.forEach((s, i) => {
		const share = partialCoverage(s.cls, s.coverage);
		if (share !== null) p.push([i, share]);
	});
	let w: [number, number] | null = null;
	stats.forEach((s, i) => {
		if (s.downMin > 0 && (!w || s.downMin > w[1])) w = [i, s.downMin];
	});
	return { d: stats.map((s) => s.cls).join(''), p, w };
}
