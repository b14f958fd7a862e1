// Data for the public home page: every public, active monitor with its status
// now and its 90-day bar. Two queries whatever the monitor count (monitors
// joined to their state, then 90 days of daily rollups for all of them).
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { checkDays, monitors, monitorState } from '../db/schema';
import { shown, type Shown } from '$lib/status';
import { BAR_DAYS } from '$lib/bar';
import type { DayClass } from '$lib/day-colour';
import { calendar, emptyDayArrays, rowBar, slotMs, type Calendar, type DayArrays, type TodayCounts, type DayStat } from './bar';
import { banner, REFRESH_SECONDS } from './banner';
import type { BarData, HomeData, HomeGroup, HomeRow } from '$lib/types';
import { clock, minutes, shortDay, zoneLabel } from './format';
import { packRow, type PackedRow } from '$lib/row-html';
import { inPageOrder } from '$lib/order';
import { isCurrent } from './current';

export { STALE_SLOTS } from './current';
/** Above this many monitors, only groups with trouble start open. */
export const OPEN_ALL_MAX = 50;

export async function publicMonitorRows(db: Db) {
	return db
		.select({
			id: monitors.id,
			tag: monitors.tag,
			name: monitors.name,
			description: monitors.description,
			group: monitors.groupName,
			order: monitors.sortOrder,
			cron: monitors.cron,
			status: monitorState.status,
			lastCheck: monitorState.ts
		})
		.from(monitors)
		.leftJoin(monitorState, eq(monitorState.monitorId, monitors.id))
		.where(and(eq(monitors.active, true), eq(monitors.isPublic, true)))
		.then((rows) => inPageOrder(rows, (r) => r));
}

/**
 * Status counts of public monitors per calendar day, as arrays indexed by day.
 * PostgreSQL packs each monitor's days into one string ("day offset,up,
 * degraded,down,maintenance;…"), which parses far faster here than 90,000
 * separate rows would. `from`/`to` are calendar indexes (inclusive).
 */
export async function publicDayCounts(db: Db, cal: Calendar, from = 0, to = cal.days.length - 1): Promise<Map<number, DayArrays>> {
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
export async function barCounts(db: Db, cal: Calendar): Promise<{ past: Map<number, DayArrays>; today: Map<number, TodayCounts> }> {
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
			.select({ id: checkDays.monitorId, up: checkDays.up, degraded: checkDays.degraded, down: checkDays.down, maintenance: checkDays.maintenance })
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

/** Status now, or NODATA when the monitor is not current (now is not history). */
export function statusNow(status: string | null, lastCheck: Date | null, slot: number, now: Date): Shown {
	return isCurrent(lastCheck, slot, now) ? shown(status) : 'NODATA';
}

export async function homeData(db: Db, opts: { title: string; timeZone: string; now?: Date }): Promise<HomeData> {
	const now = opts.now ?? new Date();
	const tz = opts.timeZone;
	const cal = calendar(BAR_DAYS, now, tz);
	const [list, counts] = await Promise.all([publicMonitorRows(db), barCounts(db, cal)]);
	const none = emptyDayArrays(BAR_DAYS);
	const noToday: TodayCounts = { up: 0, degraded: 0, down: 0, maintenance: 0 };

	const rows = list.map((m) => {
		const slot = slotMs(m.cron, tz);
		const r = rowBar(cal, slot, counts.past.get(m.id) ?? none, counts.today.get(m.id) ?? noToday);
		return {
			group: m.group,
			row: {
				tag: m.tag,
				name: m.name,
				description: m.description,
				status: statusNow(m.status, m.lastCheck, slot, now),
				bar: r.bar,
				uptime90: r.uptime90,
				uptime30: r.uptime30
			} satisfies HomeRow,
			lastCheck: m.lastCheck
		};
	});

	const groups: (HomeGroup & { full: HomeRow[] })[] = [];
	for (const r of rows) {
		let g = groups[groups.length - 1];
		if (!g || g.name !== r.group) groups.push((g = { name: r.group, rows: [], full: [], open: true, summary: '', worst: 'UP' }));
		g.full.push(r.row);
		g.rows.push(packRow(r.row));
	}
	for (const g of groups) {
		Object.assign(g, groupSummary(g.full));
		g.open = rows.length <= OPEN_ALL_MAX || g.worst !== 'UP';
	}

	return {
		title: opts.title,
		timeZone: tz,
		zone: zoneLabel(tz),
		updatedAt: now.toISOString(),
		updatedClock: clock(now, tz),
		refreshSeconds: REFRESH_SECONDS,
		firstDay: cal.days[0],
		banner: banner(
			rows.map((r) => ({ name: r.row.name, status: r.row.status, lastCheck: r.lastCheck })),
			now,
			tz
		),
		groups: groups.map(({ full: _, ...g }) => g),
		count: rows.length
	};
}
