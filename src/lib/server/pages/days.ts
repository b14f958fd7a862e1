// Per-day numbers behind one bar, for its tooltip: fetched on a row's first
// hover or focus (small JSON), so the home page carries only class letters.
import { and, eq, gte } from 'drizzle-orm';
import type { Db } from '../db/index';
import { checkDays, monitors } from '../db/schema';
import { formatLatency, formatUptime } from '$lib/status';
import { BAR_DAYS } from '$lib/bar';
import type { DayClass } from '$lib/day-colour';
import { dayStats, slotMs, type DayCounts, type DayStat } from './bar';
import { count, hm, longDay, minutes, zoneLabel } from './format';
import { lastDays } from './zone';
import { isTag } from '../monitors/validate';

export interface DayTip {
	day: string;
	cls: DayClass;
	/** "Tue 14 Oct 2026 · UTC" */
	title: string;
	/** "Today so far (to 14:03)" or '' */
	note: string;
	lines: string[];
}

/** A public, active monitor by tag (id, name, cron), or undefined: hidden ones are treated as unknown. */
export async function publicMonitorByTag(db: Db, tag: string) {
	if (!isTag(tag)) return undefined; // from the URL; a NUL in it would make Postgres refuse the query
	const [m] = await db
		.select()
		.from(monitors)
		.where(and(eq(monitors.tag, tag), eq(monitors.isPublic, true), eq(monitors.active, true)));
	return m;
}

export async function dayCountsOf(db: Db, monitorId: number, from: string): Promise<Map<string, DayCounts>> {
	const rows = await db
		.select()
		.from(checkDays)
		.where(and(eq(checkDays.monitorId, monitorId), gte(checkDays.day, from)));
	return new Map(rows.map((r) => [r.day, r]));
}

export function dayTip(s: DayStat, timeZone: string, now: Date): DayTip {
	const lines: string[] = [];
	if (s.checks === 0) {
		lines.push(s.today ? 'No data: no checks yet today.' : 'No data: no checks ran this day.');
	} else {
		if (s.downMin === 0 && s.degradedMin === 0 && s.maintenanceMin === 0) lines.push('No downtime recorded.');
		else
			lines.push(
				`✕ Down ${minutes(s.downMin)} · ▲ Degraded ${minutes(s.degradedMin)} · Maintenance ${minutes(s.maintenanceMin)}`
			);
		const up = s.uptime === null ? 'Uptime: no data' : `Uptime ${formatUptime(s.uptime * 100)}`;
		const avg = s.avgLatency === null ? 'no latency' : `avg ${formatLatency(s.avgLatency)}`;
		lines.push(`${up} · ${avg} · ${count(s.checks)} of ${count(Math.max(s.expected, s.checks))} checks`);
		if (s.coverage < 0.95) lines.push(`Checked ${Math.floor(s.coverage * 100)} % of the day`);
	}
	return {
		day: s.day,
		cls: s.cls,
		title: `${longDay(s.day)} · ${zoneLabel(timeZone)}`,
		note: s.today ? `Today so far (to ${hm(now, timeZone)})` : '',
		lines
	};
}

/** The tooltips of one monitor's 90 days, oldest first; null for an unknown or hidden tag. */
export async function monitorDays(db: Db, tag: string, timeZone: string, now = new Date()) {
	const m = await publicMonitorByTag(db, tag);
	if (!m) return null;
	const days = lastDays(BAR_DAYS, now, timeZone);
	const byDay = await dayCountsOf(db, m.id, days[0]);
	const stats = dayStats(byDay, { n: BAR_DAYS, timeZone, slotMs: slotMs(m.cron, timeZone), now });
	return { tag: m.tag, name: m.name, days: stats.map((s) => dayTip(s, timeZone, now)) };
}
