// The pages of one incident (/incidents/[id]) and one maintenance window
// (/maintenance/[id]), from the in-memory notices or, for older ones, the
// database. Markdown is rendered here, on the server (incidents/markdown.ts:
// no raw HTML, safe links), so no update can bring a script.
import { renderMarkdown } from '../incidents/markdown';
import type { AffectedMonitor, Incident, Maintenance } from '../incidents/model';
import { isRecurring, nextOccurrences, occurrences } from '../maintenance/recurrence';
import { dayKey, duration, hm, longDay, zoneLabel } from '$lib/time';
import type { MaintenanceCard } from '$lib/types';
import type { Impact, NoticeState } from '$lib/notice-words';
import { activeOccurrence, maintenanceCard } from './notices';

/** "Tue 14 Oct 2026, 14:03 UTC" */
export const fullTime = (t: Date, tz: string) => `${longDay(dayKey(t, tz))}, ${hm(t, tz)} ${zoneLabel(tz)}`;

export interface IncidentPage {
	id: string;
	title: string;
	impact: Impact;
	state: NoticeState;
	started: string;
	/** "Resolved after 2 h 14 min" or "Ongoing for 45 min". */
	duration: string;
	resolved: string | null;
	/** Rendered Markdown, or null. */
	postmortemHtml: string | null;
	/** Newest first. */
	updates: { id: string; state: NoticeState; when: string; at: string; edited: string | null; html: string }[];
	monitors: AffectedMonitor[];
}

export function incidentPage(i: Incident, now: Date, tz: string): IncidentPage {
	const end = i.resolvedAt ?? now;
	const length = duration(Math.max(0, end.getTime() - i.startedAt.getTime()));
	return {
		id: i.id,
		title: i.title,
		impact: i.impact,
		state: i.state,
		started: fullTime(i.startedAt, tz),
		duration: i.resolvedAt ? `Resolved after ${length}` : `Ongoing for ${length}`,
		resolved: i.resolvedAt ? fullTime(i.resolvedAt, tz) : null,
		postmortemHtml: i.postmortem?.trim() ? renderMarkdown(i.postmortem) : null,
		updates: [...i.updates]
			.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || Number(b.id) - Number(a.id))
			.map((u) => ({
				id: u.id,
				state: u.state,
				when: fullTime(u.createdAt, tz),
				at: u.createdAt.toISOString(),
				edited: u.updatedAt && u.updatedAt.getTime() !== u.createdAt.getTime() ? fullTime(u.updatedAt, tz) : null,
				html: renderMarkdown(u.body)
			})),
		monitors: i.monitors
	};
}

export interface MaintenancePage {
	id: string;
	title: string;
	descriptionHtml: string;
	monitors: { tag: string; name: string }[];
	/** The occurrence in progress, if any. */
	current: MaintenanceCard | null;
	/** The next occurrences (up to 5). */
	next: MaintenanceCard[];
	/** Recent past occurrences, newest first, as "Tue 14 Oct 2026, 02:00–03:00 UTC". */
	past: string[];
	/** "Repeats: FREQ=WEEKLY;BYDAY=TU (Europe/Berlin), 60 min each" for a recurring window. */
	repeats: string | null;
	/** "Completed", "Cancelled", or '' while one is current or coming. */
	over: string;
}

const PAST_DAYS = 90;

export function maintenancePage(m: Maintenance, now: Date, tz: string): MaintenancePage {
	const w = m.window;
	const active = activeOccurrence(m, now);
	const next = nextOccurrences(w, now, 6)
		.filter((o) => o.start > now)
		.slice(0, 5);
	const past = occurrences(w, new Date(now.getTime() - PAST_DAYS * 86_400_000), now)
		.filter((o) => o.end <= now)
		.slice(-5)
		.reverse();
	const span = (o: { start: Date; end: Date }) =>
		`${fullTime(o.start, tz).replace(/ \S+$/, '')}–${dayKey(o.start, tz) === dayKey(o.end, tz) ? hm(o.end, tz) : fullTime(o.end, tz).replace(/ \S+$/, '')} ${zoneLabel(tz)}`;
	const cancelled = !isRecurring(w) && !active && !next.length && !past.length && (w.cancelled?.length || w.endedAt);
	return {
		id: m.id,
		title: m.title,
		descriptionHtml: m.description.trim() ? renderMarkdown(m.description) : '',
		monitors: m.monitors,
		current: active ? maintenanceCard(m, active, now, tz) : null,
		next: next.map((o) => maintenanceCard(m, o, now, tz)),
		past: past.map(span),
		repeats: isRecurring(w)
			? `Repeats: ${w.rrule.replace(/^RRULE:/i, '')} (${w.timeZone}), ${duration(w.durationMinutes * 60_000)} each`
			: null,
		over: active || next.length ? '' : cancelled ? 'Cancelled' : 'Completed'
	};
}
