// The page of /monitors/[tag] from its rows: status now, uptime tiles, the
// 90-day bar, status changes and (only when the monitor shows them) its
// hosts. The rows come from a fixed handful of queries; the chart's series
// comes from latency.json separately.
import { publicError } from '../disclosure';
import { uptimeRatio } from '../db/queries/rollup';
import type { DayCounts } from '../db/queries/days';
import { shown } from '$lib/status';
import { BAR_DAYS } from '$lib/bar';
import { barData, dayStats, uptimeOver } from './bar';
import type { BarData, ChangeRow } from '$lib/types';
import { statusNow, slotMs } from '../current';
import { clock, dayKey, duration, hm, lastDays, longDay, shortDay, zonedMidnight, zoneLabel } from '$lib/time';
import { describeCron } from '../monitors/cron';
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

/** A public monitor with its state now (db/queries/status: publicMonitorWithState). */
export interface MonitorPageRow {
	id: number;
	tag: string;
	name: string;
	description: string;
	cron: string;
	showHosts: boolean;
	createdAt: Date;
	status: string | null;
	lastCheck: Date | null;
	since: Date | null;
	latency: number | null;
}

export type ChangeInput = { ts: Date; fromStatus: string | null; toStatus: string; error: string | null };
export type PingInput = { host: string; port: number; type: string; status: string; latency: number; error?: string };

/** The first calendar day of the page (its bar and its changes start there). */
export function monitorPageDays(timeZone: string, now: Date) {
	const days = lastDays(BAR_DAYS, now, timeZone);
	return { days, windowStart: zonedMidnight(days[0], timeZone) };
}

/**
 * The monitor page from its rows: `hours` the UP/DEGRADED/DOWN counts of the
 * last 24 UTC hours, `byDay` its days (monitorPageDays), `changes` up to
 * CHANGES_PER_PAGE + 1 status changes newest first (before `older` when
 * given), `pings` its latest hosts' results (read only when it shows them).
 */
export function monitorView(
	m: MonitorPageRow,
	rows: {
		hours: { up: number; degraded: number; down: number };
		byDay: Map<string, DayCounts>;
		changes: ChangeInput[];
		pings: PingInput[];
	},
	opts: { timeZone: string; now: Date; older: Date | null; range?: string | null }
) {
	const { now, older } = opts;
	const tz = opts.timeZone;
	const { hours, byDay, changes } = rows;
	const slot = slotMs(m.cron, tz);
	const { days } = monitorPageDays(tz, now);

	const stats = dayStats(byDay, { n: BAR_DAYS, timeZone: tz, slotMs: slot, now });
	const uptime90 = uptimeOver(byDay, days);
	const since = (from: number) => (m.createdAt.getTime() > from ? `since ${shortDay(dayKey(m.createdAt, tz))}` : '');
	const tiles: Tile[] = [
		{ window: '24h', label: '24 h', uptime: uptimeRatio(hours), since: since(now.getTime() - 86_400_000) },
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
		hosts: m.showHosts ? hostRows(rows.pings) : null,
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

/**
 * Newest first. A change lasts until the next newer one; the newest is
 * "ongoing". On an older page, the first row ends where the previous page's
 * last row began (the cursor).
 */
export function changeRows(rows: ChangeInput[], cursor: Date | null, now: Date, tz: string, showReasons: boolean): ChangeRow[] {
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

export function hostRows(pings: PingInput[]): HostRow[] {
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
