// The 90-day bar's maths (UI.md §4): each calendar day of the site zone gets
// one colour class from its daily rollup. Minutes are checks × the monitor's
// slot length (from its cron), so a monitor checked every 5 s and one checked
// every 5 min give the same colour for the same outage.
import { checkCron } from '../monitors/cron';
import { uptimeRatio } from '../rollup';
import { dayLengthMs, lastDays, zonedMidnight } from './zone';
import type { DayClass } from '$lib/bar';

export interface DayCounts {
	up: number;
	degraded: number;
	down: number;
	maintenance: number;
	latencySum: number;
	latencyCount: number;
}

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

/** Below this share of the expected slots a day is drawn only partly filled. */
export const FULL_COVERAGE = 0.95;
/** A degraded minute weighs 30 % of a down minute (Statuspage, Instatus). */
export const DEGRADED_WEIGHT = 0.3;

const slotCache = new Map<string, number>();

/** The monitor's slot length in ms (the shortest gap of its cron); 60 s if the cron is unusable. */
export function slotMs(cron: string, timeZone = 'UTC'): number {
	const key = `${timeZone} ${cron}`;
	let ms = slotCache.get(key);
	if (ms === undefined) {
		const c = checkCron(cron, timeZone);
		ms = c.ok ? c.intervalMs : 60_000;
		slotCache.set(key, ms);
	}
	return ms;
}

/** The colour class of one day: UI.md §4, "Day colour". */
export function dayClass(c: DayCounts, slotMinutes: number): DayClass {
	const checks = c.up + c.degraded + c.down + c.maintenance;
	if (checks === 0) return 'n';
	if (c.down === 0) {
		if (c.degraded > 0) return 'a';
		if (c.maintenance > 0) return 'm';
		return 'u';
	}
	const weighted = (c.down + DEGRADED_WEIGHT * c.degraded) * slotMinutes;
	if (weighted < 20) return 'a';
	if (weighted < 60) return 'r';
	return 's';
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
export function dayStats(
	byDay: Map<string, DayCounts>,
	opts: { n: number; timeZone: string; slotMs: number; now: Date }
): DayStat[] {
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

/** The compact form the page carries: 90 class letters and the partly covered days. */
export interface BarData {
	d: string;
	/** [day index, coverage 0-1 rounded to 2 places] for days under FULL_COVERAGE. */
	p: [number, number][];
}

export function barData(stats: DayStat[]): BarData {
	const p: [number, number][] = [];
	stats.forEach((s, i) => {
		if (s.cls !== 'n' && s.coverage < FULL_COVERAGE) p.push([i, Math.round(s.coverage * 100) / 100]);
	});
	return { d: stats.map((s) => s.cls).join(''), p };
}
