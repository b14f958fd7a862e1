// Data for the public home page: every public, active monitor with its status
// now and its 90-day bar. Two queries whatever the monitor count (monitors
// joined to their state, then 90 days of daily rollups for all of them).
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { checkDays, monitors, monitorState } from '../db/schema';
import { shown, type Shown } from '$lib/status';
import { BAR_DAYS, classCounts } from '$lib/bar';
import { barData, dayStats, slotMs, uptimeOver, type BarData, type DayCounts, type DayStat } from './bar';
import { banner, REFRESH_SECONDS, type Banner } from './banner';
import { clock, minutes, shortDay, zoneLabel } from './format';
import { lastDays } from './zone';
import { formatUptime } from '$lib/status';

/** A monitor with no check within this many slots counts as "no recent data". */
export const STALE_SLOTS = 3;
/** Above this many monitors, only groups with trouble start open. */
export const OPEN_ALL_MAX = 50;

export interface HomeRow {
	tag: string;
	name: string;
	description: string;
	status: Shown;
	/** ISO time of the latest check, or null. */
	lastCheck: string | null;
	bar: BarData;
	/** Uptime fractions over the last 90 and 30 days (desktop and narrow legend). */
	uptime90: number | null;
	uptime30: number | null;
	/** Screen-reader summary of the bar. */
	label: string;
}

export interface HomeGroup {
	name: string | null;
	rows: HomeRow[];
	open: boolean;
	/** "▲ 1 degraded · 6 monitors" */
	summary: string;
	worst: Shown;
}

export interface HomeData {
	title: string;
	timeZone: string;
	zone: string;
	updatedAt: string;
	updatedClock: string;
	refreshSeconds: number;
	banner: Banner;
	groups: HomeGroup[];
	count: number;
}

export async function publicMonitorRows(db: Db) {
	return db
		.select({
			id: monitors.id,
			tag: monitors.tag,
			name: monitors.name,
			description: monitors.description,
			group: monitors.groupName,
			cron: monitors.cron,
			status: monitorState.status,
			lastCheck: monitorState.ts
		})
		.from(monitors)
		.leftJoin(monitorState, eq(monitorState.monitorId, monitors.id))
		.where(and(eq(monitors.active, true), eq(monitors.isPublic, true)))
		.orderBy(sql`${monitors.groupName} asc nulls first`, asc(monitors.sortOrder), asc(monitors.name));
}

/**
 * Daily rollups of all public monitors since `from`, grouped per monitor.
 * One query: the id list is a subquery, not 1,000 bound parameters.
 */
export async function publicDayCounts(db: Db, from: string): Promise<Map<number, Map<string, DayCounts>>> {
	const rows = await db
		.select({
			id: checkDays.monitorId,
			day: checkDays.day,
			up: checkDays.up,
			degraded: checkDays.degraded,
			down: checkDays.down,
			maintenance: checkDays.maintenance,
			latencySum: checkDays.latencySum,
			latencyCount: checkDays.latencyCount
		})
		.from(checkDays)
		.where(
			and(
				gte(checkDays.day, from),
				sql`${checkDays.monitorId} in (select ${monitors.id} from ${monitors} where ${monitors.active} and ${monitors.isPublic})`
			)
		);
	const out = new Map<number, Map<string, DayCounts>>();
	for (const r of rows) {
		let m = out.get(r.id);
		if (!m) out.set(r.id, (m = new Map()));
		m.set(r.day, r);
	}
	return out;
}

/** "API gateway, 90 days: 86 up, 2 degraded, 1 down (14 Oct, 42 min), 1 no data; 99.96 % uptime" */
export function barLabel(name: string, stats: DayStat[], uptime: number | null): string {
	const c = classCounts(stats.map((s) => s.cls).join(''));
	const worst = stats.filter((s) => s.downMin > 0).sort((a, b) => b.downMin - a.downMin)[0];
	const down = c.down ? `${c.down} down${worst ? ` (worst ${shortDay(worst.day)}, ${minutes(worst.downMin)})` : ''}` : '0 down';
	const parts = [`${c.up} up`, `${c.degraded} degraded`, down];
	if (c.maintenance) parts.push(`${c.maintenance} maintenance`);
	parts.push(`${c['no data']} no data`);
	const up = uptime === null ? 'no uptime data' : `${formatUptime(uptime * 100)} uptime`;
	return `${name}, ${stats.length} days: ${parts.join(', ')}; ${up}`;
}

const RANK: Record<Shown, number> = { DOWN: 4, DEGRADED: 3, MAINTENANCE: 2, NODATA: 1, UP: 0 };

function groupSummary(rows: HomeRow[]): { summary: string; worst: Shown } {
	const n = (s: Shown) => rows.filter((r) => r.status === s).length;
	const worst = rows.reduce<Shown>((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), 'UP');
	const bits: string[] = [];
	if (n('DOWN')) bits.push(`✕ ${n('DOWN')} down`);
	if (n('DEGRADED')) bits.push(`▲ ${n('DEGRADED')} degraded`);
	if (n('MAINTENANCE')) bits.push(`${n('MAINTENANCE')} in maintenance`);
	if (n('NODATA')) bits.push(`${n('NODATA')} no data`);
	if (!bits.length) bits.push('✓ all operational');
	bits.push(`${rows.length} monitor${rows.length === 1 ? '' : 's'}`);
	return { summary: bits.join(' · '), worst };
}

/** Status now, or NODATA when the latest check is older than STALE_SLOTS slots (now is not history). */
export function statusNow(status: string | null, lastCheck: Date | null, slot: number, now: Date): Shown {
	if (!lastCheck || now.getTime() - lastCheck.getTime() > STALE_SLOTS * slot + 30_000) return 'NODATA';
	return shown(status);
}

export async function homeData(db: Db, opts: { title: string; timeZone: string; now?: Date }): Promise<HomeData> {
	const now = opts.now ?? new Date();
	const tz = opts.timeZone;
	const days = lastDays(BAR_DAYS, now, tz);
	const last30 = days.slice(-30);
	const [list, counts] = await Promise.all([publicMonitorRows(db), publicDayCounts(db, days[0])]);

	const rows = list.map((m) => {
		const slot = slotMs(m.cron, tz);
		const byDay = counts.get(m.id) ?? new Map<string, DayCounts>();
		const stats = dayStats(byDay, { n: BAR_DAYS, timeZone: tz, slotMs: slot, now });
		const uptime90 = uptimeOver(byDay, days);
		return {
			group: m.group,
			row: {
				tag: m.tag,
				name: m.name,
				description: m.description,
				status: statusNow(m.status, m.lastCheck, slot, now),
				lastCheck: m.lastCheck?.toISOString() ?? null,
				bar: barData(stats),
				uptime90,
				uptime30: uptimeOver(byDay, last30),
				label: barLabel(m.name, stats, uptime90)
			} satisfies HomeRow,
			lastCheck: m.lastCheck
		};
	});

	const groups: HomeGroup[] = [];
	for (const r of rows) {
		let g = groups[groups.length - 1];
		if (!g || g.name !== r.group) groups.push((g = { name: r.group, rows: [], open: true, summary: '', worst: 'UP' }));
		g.rows.push(r.row);
	}
	for (const g of groups) {
		Object.assign(g, groupSummary(g.rows));
		g.open = rows.length <= OPEN_ALL_MAX || g.worst !== 'UP';
	}

	return {
		title: opts.title,
		timeZone: tz,
		zone: zoneLabel(tz),
		updatedAt: now.toISOString(),
		updatedClock: clock(now, tz),
		refreshSeconds: REFRESH_SECONDS,
		banner: banner(
			rows.map((r) => ({ name: r.row.name, status: r.row.status, lastCheck: r.lastCheck })),
			now,
			tz
		),
		groups,
		count: rows.length
	};
}
