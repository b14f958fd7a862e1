// Incidents and maintenance as the home page shows them (UI.md §10), from the
// in-memory notices (notices/cache.ts): active incidents newest first, the
// maintenance in progress, then what starts within the next 7 days. Pure:
// the notices and the clock in, cards out; times in the site zone.
import type { Incident, IncidentUpdate, Maintenance } from '../incidents/model';
import { isUnresolved } from '../incidents/model';
import { nextOccurrences, type Interval } from '../maintenance/recurrence';
import { dayKey, duration, hm, longDay, zoneLabel } from '$lib/time';
import type { HomeNotices, IncidentCard, MaintenanceCard } from '$lib/types';

/** Upcoming maintenance shown on the home page: the next 7 days. */
export const UPCOMING_DAYS = 7;
/** Upcoming occurrences of one recurring window: a nightly rule must not fill the list. */
const PER_WINDOW = 3;
/** About two lines of the card's column. */
const EXCERPT_CHARS = 220;

/** "Tue 14 Oct" for an instant in the zone. */
export const weekDay = (t: Date, tz: string) => longDay(dayKey(t, tz)).replace(/ \d{4}$/, '');

/** "14:03 UTC" today, "Tue 14 Oct, 14:03 UTC" on another day. */
export function atText(t: Date, now: Date, tz: string): string {
	const day = dayKey(t, tz) === dayKey(now, tz) ? '' : `${weekDay(t, tz)}, `;
	return `${day}${hm(t, tz)} ${zoneLabel(tz)}`;
}

/** "just now", "12 min ago", "3 h 5 min ago", "2 d ago". */
export function ago(t: Date, now: Date): string {
	const ms = now.getTime() - t.getTime();
	return ms < 60_000 ? 'just now' : `${duration(ms)} ago`;
}

/** "in 45 min", "in 5 h", "in 3 days". */
export function inTime(t: Date, now: Date): string {
	const ms = t.getTime() - now.getTime();
	if (ms < 60_000) return 'in under a minute';
	if (ms < 3_600_000) return `in ${Math.floor(ms / 60_000)} min`;
	if (ms < 48 * 3_600_000) return `in ${Math.floor(ms / 3_600_000)} h`;
	return `in ${Math.floor(ms / 86_400_000)} days`;
}

/** Markdown as short plain text: enough to tell what an update says, the page has the rest. */
export function plainExcerpt(markdown: string, max = EXCERPT_CHARS): string {
	const text = markdown
		.replace(/```[\s\S]*?```/g, ' ')
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]*>/g, ' ')
		.replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
		.replace(/[*_`~]+/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function latestUpdate(i: Incident): IncidentUpdate | null {
	return i.updates.reduce<IncidentUpdate | null>((a, u) => (!a || u.createdAt > a.createdAt ? u : a), null);
}

export function incidentCard(i: Incident, now: Date, tz: string): IncidentCard {
	const u = latestUpdate(i);
	const at = u?.createdAt ?? i.startedAt;
	return {
		id: i.id,
		title: i.title,
		impact: i.impact,
		state: u?.state ?? i.state,
		excerpt: u ? plainExcerpt(u.body) : '',
		when: `${ago(at, now)} · ${atText(at, now, tz)}`,
		at: at.toISOString(),
		monitors: i.monitors.map((m) => ({ tag: m.tag, name: m.name }))
	};
}

/** "until 15:00 UTC (45 min left)" / "Tue 14 Oct, 02:00–03:00 UTC (in 3 days)". */
export function maintenanceCard(m: Maintenance, o: Interval, now: Date, tz: string): MaintenanceCard {
	const zone = zoneLabel(tz);
	const sameDay = dayKey(o.start, tz) === dayKey(o.end, tz);
	const end = (from: Date) => (dayKey(from, tz) === dayKey(o.end, tz) ? hm(o.end, tz) : `${weekDay(o.end, tz)}, ${hm(o.end, tz)}`);
	const running = o.start <= now;
	const when = running
		? `In progress · until ${end(now)} ${zone} (${duration(o.end.getTime() - now.getTime())} left)`
		: `Scheduled · ${weekDay(o.start, tz)}, ${hm(o.start, tz)}–${sameDay ? hm(o.end, tz) : end(o.start)} ${zone} (${inTime(o.start, now)})`;
	return {
		id: m.id,
		title: m.title,
		state: running ? 'in_progress' : 'scheduled',
		when,
		start: o.start.toISOString(),
		end: o.end.toISOString(),
		monitors: m.monitors
	};
}

/** Re-expand a window at least this often, whatever its boundaries say. */
const EXPAND_MS = 3_600_000;
const expanded = new WeakMap<Maintenance, { from: number; until: number; list: Interval[] }>();

/**
 * The window's occurrences not over at `now` (the one in progress first),
 * up to PER_WINDOW + 1. Expanding a rule costs (a daily rule is walked from
 * its first day: ~2.5 ms at half a year), too much for every home page
 * request, so the list is kept with its window until the clock reaches the
 * first start or end in it; before that, no occurrence can change state. A
 * reload of the notices makes new Maintenance objects, which start afresh.
 */
export function pendingOccurrences(m: Maintenance, now: Date): Interval[] {
	const t = now.getTime();
	let c = expanded.get(m);
	if (!c || t < c.from || t >= c.until) {
		const list = nextOccurrences(m.window, now, PER_WINDOW + 1);
		let until = t + EXPAND_MS;
		for (const o of list) for (const b of [o.start.getTime(), o.end.getTime()]) if (b > t) until = Math.min(until, b);
		expanded.set(m, (c = { from: t, until, list }));
	}
	return c.list.filter((o) => o.end.getTime() > t);
}

/** The occurrence of a window in progress at `now`, if any. */
export function activeOccurrence(m: Maintenance, now: Date): Interval | null {
	const [o] = pendingOccurrences(m, now);
	return o && o.start <= now && now < o.end ? o : null;
}

/** Occurrences starting after `now` and before `until`, up to `n` (at most PER_WINDOW). */
export function upcomingOccurrences(m: Maintenance, now: Date, until: Date, n = PER_WINDOW): Interval[] {
	return pendingOccurrences(m, now)
		.filter((o) => o.start > now && o.start < until)
		.slice(0, n);
}

/** Active incidents newest first, maintenance in progress, then the next 7 days' windows soonest first. */
export function homeNotices(data: { incidents: Incident[]; maintenances: Maintenance[] }, now: Date, tz: string): HomeNotices {
	const until = new Date(now.getTime() + UPCOMING_DAYS * 86_400_000);
	const ongoing: MaintenanceCard[] = [];
	const upcoming: MaintenanceCard[] = [];
	for (const m of data.maintenances) {
		const a = activeOccurrence(m, now);
		if (a) ongoing.push(maintenanceCard(m, a, now, tz));
		// One card per window: a nightly window is one plan, not seven cards; the rest are counted.
		const [next, ...later] = upcomingOccurrences(m, now, until);
		if (next)
			upcoming.push({
				...maintenanceCard(m, next, now, tz),
				...(later.length ? { more: later.length, moreCapped: later.length + 1 >= PER_WINDOW } : {})
			});
	}
	const byStart = (a: MaintenanceCard, b: MaintenanceCard) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id);
	return {
		incidents: data.incidents
			.filter(isUnresolved)
			.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
			.map((i) => incidentCard(i, now, tz)),
		ongoing: ongoing.sort(byStart),
		upcoming: upcoming.sort(byStart)
	};
}
