// What incidents and maintenance touched one monitor, for its page and for
// the bars: the incidents and windows naming it, and per bar day the
// incidents that were open that day (a 2 px mark under the day in the worst
// impact's colour, and their titles in the day's tooltip; UI.md §10). The
// day's colour itself still comes only from the checks. From the in-memory
// notices: they keep every incident of the last 100 days, more than a bar.
import { isUnresolved, type Incident, type Maintenance } from '../incidents/model';
import { addDays, dayKey } from '$lib/time';
import { IMPACT_WORD, impactRank, type Impact } from '$lib/notice-words';
import type { MaintenanceCard } from '$lib/types';
import { incidentEntry, pastMaintenanceEntry, type HistoryEntry } from './history';
import { activeOccurrence, maintenanceCard, upcomingOccurrences } from './notices';

/** Impact as one digit for the wire (0 none … 3 critical). */
const IMPACTS: Impact[] = ['none', 'minor', 'major', 'critical'];

export interface DayIncident {
	title: string;
	impact: Impact;
}

/** Bar day index → the incidents open that day, for monitors by tag. Days are `days` (oldest first, site zone). */
export function incidentDays(incidents: Incident[], days: string[], now: Date, tz: string): Map<string, Map<number, DayIncident[]>> {
	const index = new Map(days.map((d, i) => [d, i]));
	const out = new Map<string, Map<number, DayIncident[]>>();
	for (const inc of incidents) {
		if (!inc.monitors.length) continue;
		let day = dayKey(inc.startedAt, tz);
		const last = dayKey(inc.resolvedAt ?? now, tz);
		const hit: number[] = [];
		// Bounded: the bar's days only (an incident open for a year still touches 90 of them).
		if (day < days[0]) day = days[0];
		for (; day <= last && index.has(day); day = addDays(day, 1)) hit.push(index.get(day)!);
		if (!hit.length) continue;
		for (const m of inc.monitors) {
			let byDay = out.get(m.tag);
			if (!byDay) out.set(m.tag, (byDay = new Map()));
			for (const i of hit) {
				const list = byDay.get(i) ?? [];
				list.push({ title: inc.title, impact: m.impact });
				byDay.set(i, list);
			}
		}
	}
	return out;
}

/** [day, impact digit, day, impact digit, …] of the days with an incident: the worst impact of each day. */
export function packMarks(byDay: Map<number, DayIncident[]> | undefined): number[] {
	if (!byDay) return [];
	const out: number[] = [];
	for (const i of [...byDay.keys()].sort((a, b) => a - b)) {
		const worst = byDay.get(i)!.reduce<Impact>((w, x) => (impactRank(x.impact) > impactRank(w) ? x.impact : w), 'none');
		out.push(i, IMPACTS.indexOf(worst));
	}
	return out;
}

export const unpackImpact = (digit: number): Impact => IMPACTS[digit] ?? 'none';

/** The tooltip lines for a day's incidents: "Incident: Payments slow (major impact)". */
export function dayIncidentLines(list: DayIncident[] | undefined): string[] {
	return (list ?? []).map((x) => `Incident: ${x.title} (${IMPACT_WORD[x.impact].toLowerCase()})`);
}

export interface MonitorNotices {
	/** Incidents naming this monitor, newest first: the history's one-line entries. */
	incidents: HistoryEntry[];
	ongoing: MaintenanceCard[];
	upcoming: MaintenanceCard[];
	/** Windows of this monitor that have begun, newest first. */
	pastMaintenance: HistoryEntry[];
	/** How many older incidents and windows the lists leave to /history. */
	more: number;
}

const UPCOMING_DAYS = 30;
/**
 * Entries of each list the page shows. Memory holds 100 days of incidents; a
 * monitor named in a few thousand made its page megabytes (the list, and the
 * same again as hydration data) on every visit.
 */
export const MONITOR_LIST_LIMIT = 20;

export function monitorNotices(
	tag: string,
	data: { incidents: Incident[]; maintenances: Maintenance[] },
	now: Date,
	tz: string
): MonitorNotices {
	const mine = data.maintenances.filter((m) => m.monitors.some((x) => x.tag === tag));
	const until = new Date(now.getTime() + UPCOMING_DAYS * 86_400_000);
	const ongoing: MaintenanceCard[] = [];
	const upcoming: MaintenanceCard[] = [];
	for (const m of mine) {
		const a = activeOccurrence(m, now);
		if (a) ongoing.push(maintenanceCard(m, a, now, tz));
		for (const o of upcomingOccurrences(m, now, until, 2)) upcoming.push(maintenanceCard(m, o, now, tz));
	}
	const byStart = (a: Incident, b: Incident) => b.startedAt.getTime() - a.startedAt.getTime();
	const named = data.incidents.filter((i) => i.monitors.some((x) => x.tag === tag));
	// The ones still open are kept first when the list is cut, then shown in start order with the rest.
	const kept = [...named.filter(isUnresolved).sort(byStart), ...named.filter((i) => !isUnresolved(i)).sort(byStart)]
		.slice(0, MONITOR_LIST_LIMIT)
		.sort(byStart);
	const incidents = kept
		// This monitor's impact in it, which may be less than the incident's.
		.map((i) => ({ ...incidentEntry(i, tz), impact: i.monitors.find((x) => x.tag === tag)!.impact }));
	const pastMaintenance = mine.flatMap((m) => pastMaintenanceEntry(m, now, tz) ?? []).sort((a, b) => b.start.localeCompare(a.start));
	const more = named.length - kept.length + Math.max(0, pastMaintenance.length - MONITOR_LIST_LIMIT);
	return {
		incidents,
		ongoing,
		upcoming: upcoming.sort((a, b) => a.start.localeCompare(b.start)),
		pastMaintenance: pastMaintenance.slice(0, MONITOR_LIST_LIMIT),
		more
	};
}
