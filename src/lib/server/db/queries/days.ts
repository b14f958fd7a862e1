// Daily rollups (check_days): one monitor's days for a bar, its tooltips, the
// embed widget and the latency chart's 90 days; every public monitor's days
// for the home page.
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { checkDays, monitors } from '../schema';

/** Checks by status (today's counts on the home page). */
export interface StatusCounts {
	up: number;
	degraded: number;
	down: number;
	maintenance: number;
}

/** One day's counts of one monitor: what a bar, a tooltip and an uptime figure need. */
export interface DayCounts extends StatusCounts {
	latencySum: number;
	latencyCount: number;
}

export interface DayRollup extends DayCounts {
	day: string;
}

/** Per-day counts of one monitor, indexed like a calendar's days (home page fast path). */
export interface DayArrays {
	up: Int32Array;
	degraded: Int32Array;
	down: Int32Array;
	maintenance: Int32Array;
}

export const emptyDayArrays = (n: number): DayArrays => ({
	up: new Int32Array(n),
	degraded: new Int32Array(n),
	down: new Int32Array(n),
	maintenance: new Int32Array(n)
});

/** Days from `fromDay` (YYYY-MM-DD, inclusive) that have a rollup row, oldest first. */
export async function dayRollups(db: Db, monitorId: number, fromDay: string): Promise<DayRollup[]> {
	return db
		.select({
			day: checkDays.day,
			up: checkDays.up,
			degraded: checkDays.degraded,
			down: checkDays.down,
			maintenance: checkDays.maintenance,
			latencySum: checkDays.latencySum,
			latencyCount: checkDays.latencyCount
		})
		.from(checkDays)
		.where(and(eq(checkDays.monitorId, monitorId), gte(checkDays.day, fromDay)))
		.orderBy(asc(checkDays.day));
}

/** The same days by date, for the bar maths. */
export async function dayCountsOf(db: Db, monitorId: number, fromDay: string): Promise<Map<string, DayCounts>> {
	return new Map((await dayRollups(db, monitorId, fromDay)).map((r) => [r.day, r]));
}

/** Whole check_days rows (latency min and max included) from `fromDay`, for the latency chart. */
export async function dayRows(db: Db, monitorId: number, fromDay: string) {
	return db
		.select()
		.from(checkDays)
		.where(and(eq(checkDays.monitorId, monitorId), gte(checkDays.day, fromDay)));
}

/** The calendar a home page is drawn for: its days (oldest first), zone and instant. */
export interface BarCalendar {
	days: string[];
	timeZone: string;
	now: number;
}

/**
 * Status counts of public monitors per calendar day, as arrays indexed by day.
 * PostgreSQL packs each monitor's days into one string ("day offset,up,
 * degraded,down,maintenance;…"), which parses far faster here than 90,000
 * separate rows would. `from`/`to` are calendar indexes (inclusive).
 */
export async function publicDayCounts(db: Db, cal: BarCalendar, from = 0, to = cal.days.length - 1): Promise<Map<number, DayArrays>> {
	const first = cal.days[0];
	const rows = await db
		.select({
			id: checkDays.monitorId,
			packed: sql<string>`string_agg((${checkDays.day} - ${first}::date)::text || ',' || ${checkDays.up} || ',' || ${checkDays.degraded} || ',' || ${checkDays.down} || ',' || ${checkDays.maintenance}, ';')`
		})
		.from(checkDays)
		.innerJoin(monitors, and(eq(monitors.id, checkDays.monitorId), eq(monitors.active, true), eq(monitors.isPublic, true)))
		.where(and(gte(checkDays.day, cal.days[from]), lte(checkDays.day, cal.days[to])))
		.groupBy(checkDays.monitorId);
	const n = cal.days.length;
	const out = new Map<number, DayArrays>();
	for (const r of rows) {
		const a = emptyDayArrays(n);
		for (const day of r.packed.split(';')) {
			const f = day.split(',');
			const i = Number(f[0]);
			if (i < 0 || i >= n) continue;
			a.up[i] = Number(f[1]);
			a.degraded[i] = Number(f[2]);
			a.down[i] = Number(f[3]);
			a.maintenance[i] = Number(f[4]);
		}
		out.set(r.id, a);
	}
	return out;
}

/** How long the finished days of the bars are reused before being read again. */
export const PAST_DAYS_TTL_MS = 60_000;
const pastCache = new WeakMap<Db, { key: string; at: number; data: Promise<Map<number, DayArrays>> }>();

/**
 * Finished days hardly change (only a check written late, just after
 * midnight), so they are read once a minute and shared; today is read on
 * every request. The query count per page stays constant either way.
 */
export async function barCounts(db: Db, cal: BarCalendar): Promise<{ past: Map<number, DayArrays>; today: Map<number, StatusCounts> }> {
	const n = cal.days.length;
	const key = `${cal.timeZone} ${cal.days[0]} ${cal.days[n - 1]}`;
	let past = pastCache.get(db);
	if (!past || past.key !== key || cal.now - past.at > PAST_DAYS_TTL_MS || cal.now < past.at) {
		past = { key, at: cal.now, data: publicDayCounts(db, cal, 0, n - 2) };
		pastCache.set(db, past);
		past.data.catch(() => pastCache.delete(db));
	}
	const [old, rows] = await Promise.all([
		past.data,
		db
			.select({
				id: checkDays.monitorId,
				up: checkDays.up,
				degraded: checkDays.degraded,
				down: checkDays.down,
				maintenance: checkDays.maintenance
			})
			.from(checkDays)
			.innerJoin(monitors, and(eq(monitors.id, checkDays.monitorId), eq(monitors.active, true), eq(monitors.isPublic, true)))
			.where(eq(checkDays.day, cal.days[n - 1]))
	]);
	return { past: old, today: new Map(rows.map((r) => [r.id, r])) };
}

/** Forget cached finished days (tests, and after bulk changes such as the demo seeder). */
export function clearBarCache(db: Db) {
	pastCache.delete(db);
}
