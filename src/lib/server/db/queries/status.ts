// Read side for "status now" and uptime windows. Reads monitor_state and the
// rollups only, with a fixed number of queries whatever the monitor count.
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { checkDays, checkHours, monitors, monitorState } from '../schema';
import { dayKey, hourBucket, uptimeRatio } from '../../rollup';
import type { MonitorStatus } from '../../types';

export const WINDOWS = ['24h', '7d', '30d', '90d'] as const;
export type UptimeWindow = (typeof WINDOWS)[number];
const WINDOW_DAYS: Record<Exclude<UptimeWindow, '24h'>, number> = { '7d': 7, '30d': 30, '90d': 90 };

export interface MonitorSummary {
	id: number;
	tag: string;
	name: string;
	description: string;
	group: string | null;
	status: MonitorStatus | null;
	latency: number | null;
	lastCheck: Date | null;
	since: Date | null;
	/** Fraction 0-1, or null when the window holds no UP/DEGRADED/DOWN check. */
	uptime: Record<UptimeWindow, number | null>;
}

/** The first calendar day (YYYY-MM-DD, site zone) of an N-day window ending today. */
export function windowStartDay(days: number, now: Date, timeZone: string): string {
	const today = dayKey(now, timeZone);
	const d = new Date(`${today}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() - (days - 1));
	return d.toISOString().slice(0, 10);
}

/**
 * Windows: 24h = the current UTC hour and the 23 before it (hourly rollups);
 * 7d/30d/90d = that many calendar days in the site zone, today included
 * (daily rollups).
 */
export async function monitorSummaries(
	db: Db,
	opts: { timeZone: string; now?: Date; publicOnly?: boolean; tags?: string[] }
): Promise<MonitorSummary[]> {
	const now = opts.now ?? new Date();
	const conds = [eq(monitors.active, true)];
	if (opts.publicOnly) conds.push(eq(monitors.isPublic, true));
	if (opts.tags) conds.push(inArray(monitors.tag, opts.tags.length ? opts.tags : ['']));

	const rows = await db
		.select({
			id: monitors.id,
			tag: monitors.tag,
			name: monitors.name,
			description: monitors.description,
			group: monitors.groupName,
			status: monitorState.status,
			latency: monitorState.latency,
			lastCheck: monitorState.ts,
			since: monitorState.since
		})
		.from(monitors)
		.leftJoin(monitorState, eq(monitorState.monitorId, monitors.id))
		.where(and(...conds))
		.orderBy(sql`${monitors.groupName} asc nulls first`, asc(monitors.sortOrder), asc(monitors.name));
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);

	const hourFrom = new Date(hourBucket(now).getTime() - 23 * 3_600_000);
	const hours = await db
		.select({
			id: checkHours.monitorId,
			up: sql<number>`sum(${checkHours.up})::int`,
			degraded: sql<number>`sum(${checkHours.degraded})::int`,
			down: sql<number>`sum(${checkHours.down})::int`
		})
		.from(checkHours)
		.where(and(gte(checkHours.bucket, hourFrom), inArray(checkHours.monitorId, ids)))
		.groupBy(checkHours.monitorId);

	const from = (n: number) => windowStartDay(n, now, opts.timeZone);
	const sumFrom = (col: typeof checkDays.up, n: number) =>
		sql<number>`(sum(${col}) filter (where ${checkDays.day} >= ${from(n)}))::int`;
	const days = await db
		.select({
			id: checkDays.monitorId,
			up7: sumFrom(checkDays.up, 7),
			degraded7: sumFrom(checkDays.degraded, 7),
			down7: sumFrom(checkDays.down, 7),
			up30: sumFrom(checkDays.up, 30),
			degraded30: sumFrom(checkDays.degraded, 30),
			down30: sumFrom(checkDays.down, 30),
			up90: sumFrom(checkDays.up, 90),
			degraded90: sumFrom(checkDays.degraded, 90),
			down90: sumFrom(checkDays.down, 90)
		})
		.from(checkDays)
		.where(and(gte(checkDays.day, from(WINDOW_DAYS['90d'])), inArray(checkDays.monitorId, ids)))
		.groupBy(checkDays.monitorId);

	const hourMap = new Map(hours.map((h) => [h.id, h]));
	const dayMap = new Map(days.map((d) => [d.id, d]));
	return rows.map((r) => {
		const h = hourMap.get(r.id);
		const d = dayMap.get(r.id);
		const w = (n: 7 | 30 | 90) =>
			d ? uptimeRatio({ up: d[`up${n}`] ?? 0, degraded: d[`degraded${n}`] ?? 0, down: d[`down${n}`] ?? 0 }) : null;
		return {
			...r,
			status: r.status as MonitorStatus | null,
			uptime: { '24h': h ? uptimeRatio(h) : null, '7d': w(7), '30d': w(30), '90d': w(90) }
		};
	});
}

export async function monitorStateById(db: Db, monitorId: number) {
	const [s] = await db.select().from(monitorState).where(eq(monitorState.monitorId, monitorId));
	return s;
}
