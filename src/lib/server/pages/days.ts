// Per-day numbers behind one bar, for its tooltip: fetched on a row's first
// hover or focus (small JSON), so the home page carries only class letters.
import { formatLatency, formatUptime } from '$lib/status';
import { BAR_DAYS } from '$lib/bar';
import type { DayClass } from '$lib/day-colour';
import { count, hm, longDay, minutes, zoneLabel } from '$lib/time';
import type { DayCounts } from '../db/queries/days';
import { slotMs } from '../current';
import { dayStats, type DayStat } from './bar';

export interface DayTip {
	day: string;
	cls: DayClass;
	/** "Tue 14 Oct 2026 · UTC" */
	title: string;
	/** "Today so far (to 14:03)" or '' */
	note: string;
	lines: string[];
}

export function dayTip(s: DayStat, timeZone: string, now: Date): DayTip {
	const lines: string[] = [];
	if (s.checks === 0) {
		lines.push(s.today ? 'No data: no checks yet today.' : 'No data: no checks ran this day.');
	} else {
		if (s.downMin === 0 && s.degradedMin === 0 && s.maintenanceMin === 0) lines.push('No downtime recorded.');
		else lines.push(`✕ Down ${minutes(s.downMin)} · ▲ Degraded ${minutes(s.degradedMin)} · Maintenance ${minutes(s.maintenanceMin)}`);
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

/** The tooltips of one monitor's 90 days, oldest first; `byDay` holds its days from the first of them. */
export function monitorDaysView(
	m: { tag: string; name: string; cron: string },
	byDay: Map<string, DayCounts>,
	timeZone: string,
	now: Date
) {
	const stats = dayStats(byDay, { n: BAR_DAYS, timeZone, slotMs: slotMs(m.cron, timeZone), now });
	return { tag: m.tag, name: m.name, days: stats.map((s) => dayTip(s, timeZone, now)) };
}
