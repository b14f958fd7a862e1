// How /api/v1 shows incidents and maintenance windows (ISO instants, ids as
// strings, Markdown as written: a client renders it or shows it as it is),
// and its page query (?limit, ?before). Pure: the model in, JSON out.
import type { Incident, Maintenance } from '../incidents/model';
import { nextOccurrences, type Interval, type WindowStateName } from '../maintenance/recurrence';
import { windowToJson } from '../maintenance/stored';
import { parseId } from '../notices/service';
import { instant } from '../notices/validate';
import type { ApiReply } from './write';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Occurrences shown ahead for each window: enough to check a recurring rule does what was meant. */
export const NEXT_OCCURRENCES = 5;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function presentIncident(i: Incident) {
	const updates = [...i.updates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || Number(b.id) - Number(a.id));
	return {
		id: i.id,
		title: i.title,
		impact: i.impact,
		state: i.state,
		startedAt: i.startedAt.toISOString(),
		resolvedAt: iso(i.resolvedAt),
		createdAt: iso(i.createdAt),
		postmortem: i.postmortem,
		monitors: i.monitors.map((m) => ({ tag: m.tag, name: m.name, impact: m.impact })),
		/** Newest first; the incident's state is the newest one's. */
		updates: updates.map((u) => ({
			id: u.id,
			state: u.state,
			body: u.body,
			author: u.author,
			createdAt: u.createdAt.toISOString(),
			updatedAt: iso(u.updatedAt)
		}))
	};
}

/**
 * windowState's rule (recurrence.ts) on the occurrences already expanded:
 * expanding a recurring rule walks it from dtstart, which for a rule every
 * 5 minutes started months ago takes hundreds of milliseconds, so it is done
 * once per window here, not twice.
 */
function stateOf(next: Interval[], now: Date): WindowStateName {
	if (!next.length) return 'completed';
	return next[0].start.getTime() <= now.getTime() ? 'in_progress' : 'scheduled';
}

/** A window as sent (one-off {start, end}, or recurring), with its state and next occurrences at `now`. */
export function presentMaintenance(m: Maintenance, now: Date) {
	const next = nextOccurrences(m.window, now, NEXT_OCCURRENCES);
	return {
		id: m.id,
		title: m.title,
		description: m.description,
		monitors: m.monitors.map((x) => ({ tag: x.tag, name: x.name })),
		window: windowToJson(m.window),
		state: stateOf(next, now),
		next: next.map((o) => ({ start: o.start.toISOString(), end: o.end.toISOString() })),
		cancelled: (m.window.cancelled ?? []).map((d) => d.toISOString()),
		endedAt: iso(m.window.endedAt),
		/** Occurrences of a recurring window ended early: where each stopped. */
		cuts: (m.window.cuts ?? []).map((c) => ({ start: c.start.toISOString(), end: c.end.toISOString() })),
		createdAt: m.createdAt.toISOString(),
		updatedAt: m.updatedAt.toISOString()
	};
}

/**
 * A page's `next`: where the list stopped, as the list is ordered (start,
 * then id), so items sharing a start are not skipped. `?before` takes it back,
 * or a bare instant ("started before 1 December").
 */
export const nextCursor = (start: Date, id: string) => `${start.toISOString()}~${id}`;

export type PageQuery = { ok: true; limit: number; before: Date | null; beforeId: number | null } | { ok: false; reply: ApiReply };

const badQuery = (path: string, message: string): PageQuery => ({
	ok: false,
	reply: { status: 400, body: { error: `${path} ${message}`, errors: [{ path, message }] } }
});

export function pageQuery(q: URLSearchParams): PageQuery {
	const rawLimit = q.get('limit');
	const limit = rawLimit === null ? DEFAULT_LIMIT : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
	if (!(limit >= 1 && limit <= MAX_LIMIT))
		return badQuery('limit', `must be a whole number 1-${MAX_LIMIT}, got ${JSON.stringify(rawLimit)}`);
	const rawBefore = q.get('before');
	if (rawBefore === null || rawBefore === '') return { ok: true, limit, before: null, beforeId: null };
	const [at, id, ...rest] = rawBefore.split('~');
	const before = rest.length ? null : instant(at, 'before', null);
	const beforeId = id === undefined ? null : parseId(id);
	if (!before || (id !== undefined && beforeId === null))
		return badQuery(
			'before',
			`must be a page's "next" or an instant such as 2026-12-01T00:00:00Z, got ${JSON.stringify(rawBefore.slice(0, 60))}`
		);
	return { ok: true, limit, before, beforeId };
}
