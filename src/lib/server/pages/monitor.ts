// Data for /monitors/[tag]: status now, uptime tiles, the 90-day bar, status
// changes and (only when the monitor shows them) its hosts. A fixed handful of
// queries; the chart's series comes from latency.json separately.
import { publicError } from '../public/disclosure';
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { checkHours, monitors, monitorState, statusChanges } from '../db/schema';
import { latestPings } from '../db/queries/checks';
import { hourBucket, uptimeRatio } from '../rollup';
import { shown, type Shown } from '$lib/status';
import { BAR_DAYS } from '$lib/bar';
import { barData, dayStats, slotMs, uptimeOver } from './bar';
import type { BarData, ChangeRow } from '$lib/types';
import { dayCountsOf } from './days';
import { statusNow } from './home';
import { clock, duration, hm, longDay, shortDay, zoneLabel } from './format';
import { lastDays, zonedMidnight } from './zone';
import { dayKey } from '../rollup';
import { describeCron } from '../monitors/cron';
import { isTag } from '../monitors/validate';
import { isRange, type Range } from './latency';

export const CHANGES_PER_PAGE = 20;

export interface Tile {
	window: '24h' | '7d' | '30d' | '90d';
	label: string;
	uptime: number | null;
	/** "since 3 Oct" when the monitor is younger than the window, else ''. */
	since: string;
}

export interface HostRow {
	index: number;
	host: string;
	port: number;
	type: string;
	status: string;
	latency: number | null;
	error: string | null;
}

export async function monitorPage(
	db: Db,
	opts: { tag: string; timeZone: string; now?: Date; older?: string | null; range?: string | null }
) {
	// The tag is from the URL: one no monitor can have is not looked up (a NUL in it would make Postgres refuse the query).
	if (!isTag(opts.tag)) return null;
	const now = opts.now ?? new Date();
	const tz = opts.timeZone;
	const [m] = await db
		.select({
			id: monitors.id,
			tag: monitors.tag,
			name: monitors.name,
			description: monitors.description,
			cron: monitors.cron,
			showHosts: monitors.showHosts,
			createdAt: monitors.createdAt,
			status: monitorState.status,
			lastCheck: monitorState.ts,
			since: monitorState.since,
			latency: monitorState.latency
		})
		.from(monitors)
		.leftJoin(monitorState, eq(monitorState.monitorId, monitors.id))
		.where(and(eq(monitors.tag, opts.tag), eq(monitors.isPublic, true), eq(monitors.active, true)));
	if (!m) return null;

	const slot = slotMs(m.cron, tz);
	const days = lastDays(BAR_DAYS, now, tz);
	const windowStart = zonedMidnight(days[0], tz);
	const older = parseOlder(opts.older, now);

	const hourFrom = new Date(hourBucket(now).getTime() - 23 * 3_600_000);
	const [hours, byDay, changes, last] = await Promise.all([
		db
			.select({
				up: sql<number>`coalesce(sum(${checkHours.up}), 0)::int`,
				degraded: sql<number>`coalesce(sum(${checkHours.degraded}), 0)::int`,
				down: sql<number>`coalesce(sum(${checkHours.down}), 0)::int`
			})
			.from(checkHours)
			.where(and(eq(checkHours.monitorId, m.id), gte(checkHours.bucket, hourFrom))),
		dayCountsOf(db, m.id, days[0]),
		db
			.select()
			.from(statusChanges)
			.where(
				and(
					eq(statusChanges.monitorId, m.id),
					gte(statusChanges.ts, new Date(windowStart)),
					older ? lt(statusChanges.ts, older) : undefined
				)
			)
			.orderBy(desc(statusChanges.ts))
			.limit(CHANGES_PER_PAGE + 1),
		m.showHosts ? latestPings(db, m.id) : Promise.resolve([])
	]);

	const stats = dayStats(byDay, { n: BAR_DAYS, timeZone: tz, slotMs: slot, now });
	const uptime90 = uptimeOver(byDay, days);
	const since = (from: number) => (m.createdAt.getTime() > from ? `since ${shortDay(dayKey(m.createdAt, tz))}` : '');
	const tiles: Tile[] = [
		{ window: '24h', label: '24 h', uptime: uptimeRatio(hours[0] ?? { up: 0, degraded: 0, down: 0 }), since: since(now.getTime() - 86_400_000) },
		...([7, 30, 90] as const).map((n) => ({
			window: `${n}d` as Tile['window'],
			label: `${n} d`,
			uptime: uptimeOver(byDay, days.slice(-n)),
			since: since(zonedMidnight(days[BAR_DAYS - n], tz))
		}))
	];

	const status = statusNow(m.status, m.lastCheck, slot, now);
	return {
		tag: m.tag,
		name: m.name,
		description: m.description,
		schedule: describeCron(m.cron),
		status,
		latency: m.latency,
		lastCheck: m.lastCheck ? `${clock(m.lastCheck, tz)} ${zoneLabel(tz)}` : null,
		since: m.since && status !== 'NODATA' ? sinceText(m.since, now, tz) : null,
		tiles,
		bar: barData(stats) satisfies BarData,
		uptime90,
		uptime30: uptimeOver(byDay, days.slice(-30)),
		changes: changeRows(changes.slice(0, CHANGES_PER_PAGE), older, now, tz, m.showHosts),
		olderCursor: changes.length > CHANGES_PER_PAGE ? changes[CHANGES_PER_PAGE - 1].ts.toISOString() : null,
		hosts: m.showHosts ? hostRows(last) : null,
		range: (isRange(opts.range) ? opts.range : '24h') as Range,
		zone: zoneLabel(tz),
		timeZone: tz,
		firstDay: days[0]
	};
}

function sinceText(since: Date, now: Date, tz: string): string {
	const sameDay = dayKey(since, tz) === dayKey(now, tz);
	return `since ${sameDay ? '' : `${shortDay(dayKey(since, tz))} `}${hm(since, tz)} ${zoneLabel(tz)}`;
}

/**
 * Newest first. A change lasts until the next newer one; the newest is
 * "ongoing". On an older page, the first row ends where the previous page's
 * last row began (the cursor).
 */
/**
 * The "older changes" cursor from the URL: a time between 2000 and a day
 * from now, else none (the first page). Anything else Postgres may refuse
 * (year -271821 parses in JavaScript), and a visitor's typo is no error.
 */
export function parseOlder(raw: string | null | undefined, now: Date): Date | null {
	if (!raw) return null;
	const t = Date.parse(raw);
	if (!Number.isFinite(t) || t < Date.UTC(2000, 0, 1) || t > now.getTime() + 86_400_000) return null;
	return new Date(t);
}

export function changeRows(
	rows: { ts: Date; fromStatus: string | null; toStatus: string; error: string | null }[],
	cursor: Date | null,
	now: Date,
	tz: string,
	showReasons: boolean
): ChangeRow[] {
	return rows.map((r, i) => {
		const end = i > 0 ? rows[i - 1].ts : cursor;
		const startDay = dayKey(r.ts, tz);
		const endText = end ? (dayKey(end, tz) === startDay ? hm(end, tz) : `${shortDay(dayKey(end, tz))} ${hm(end, tz)}`) : 'now';
		return {
			ts: r.ts.toISOString(),
			from: r.fromStatus ? shown(r.fromStatus) : null,
			to: shown(r.toStatus),
			when: `${longDay(startDay)} · ${hm(r.ts, tz)} → ${endText} ${zoneLabel(tz)}`,
			length: end ? duration(end.getTime() - r.ts.getTime()) : `ongoing, ${duration(now.getTime() - r.ts.getTime())}`,
			reason: publicError(r.error, showReasons) ?? ''
		};
	});
}

export function hostRows(pings: { host: string; port: number; type: string; status: string; latency: number; error?: string }[]): HostRow[] {
	return pings.map((p, index) => ({
		index,
		host: p.host,
		port: p.port,
		type: p.type,
		status: p.status,
		latency: p.status === 'open' ? p.latency : null,
		error: p.error ?? null
	}));
}

