// Validation of incidents, their updates and maintenance windows as an admin
// form or the API sends them. Every field is checked and every error names
// its field ("title", "monitors[1].tag", "window.rrule"); nothing is guessed
// and nothing is saved unless all of it is right. Monitor tags are resolved
// against the monitors that exist (given, so this stays pure); a tag may be a
// pattern with * ("db-*"), which must match at least one monitor.
import type { FieldError, Validated } from '../monitors/validate';
import { hasControlChars } from '../text';
import { INCIDENT_IMPACTS, INCIDENT_STATES, worstImpact, type IncidentImpact, type IncidentState } from '../incidents/model';
import { validateMarkdown } from '../incidents/markdown';
import { MINUTE, type MaintenanceWindow } from '../maintenance/recurrence';
import { validateWindow } from '../maintenance/validate-window';

export const MAX_TITLE = 200;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
/** Monitors one incident or window may name: more is a typo in a pattern, not a plan. */
export const MAX_AFFECTED = 1000;

export type MonitorLookup = Map<string, { id: number; name: string }>;

export interface IncidentFields {
	title: string;
	impact: IncidentImpact;
	startedAt: Date;
	postmortem: string | null;
	monitors: { monitorId: number; tag: string; impact: IncidentImpact }[];
}

export interface NewIncidentInput extends IncidentFields {
	state: IncidentState;
	body: string;
}

export interface UpdateInput {
	state: IncidentState;
	body: string;
}

export interface MaintenanceInput {
	title: string;
	description: string;
	monitorIds: number[];
	window: MaintenanceWindow;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 60));

class Errors {
	list: FieldError[] = [];
	add(path: string, message: string) {
		this.list.push({ path, message });
	}
	take<T>(r: Validated<T>): T | undefined {
		if (r.ok) return r.value;
		this.list.push(...r.errors);
		return undefined;
	}
}

function title(v: unknown, e: Errors): string {
	if (typeof v !== 'string' || v.trim() === '') {
		e.add('title', 'must not be empty');
		return '';
	}
	const t = v.trim();
	if (t.length > MAX_TITLE) e.add('title', `must be at most ${MAX_TITLE} characters, got ${t.length}`);
	else if (hasControlChars(t)) e.add('title', 'must be one line without control characters');
	// Bidirectional overrides make a title read as other words than it holds ("evil" shown as "live").
	else if (BIDI_CONTROLS.test(t)) e.add('title', 'must not contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069)');
	return t;
}

function oneOf<T extends string>(v: unknown, list: readonly T[], path: string, e: Errors, fallback?: T): T {
	if (v === undefined || v === null || v === '') {
		if (fallback !== undefined) return fallback;
		e.add(path, `must be one of ${list.join(', ')}`);
		return list[0];
	}
	if (typeof v === 'string' && (list as readonly string[]).includes(v)) return v as T;
	e.add(path, `must be one of ${list.join(', ')}, got ${show(v)}`);
	return list[0];
}

/** An instant: a Date, or an ISO string with a zone offset (a bare local time would be read in the server's zone). */
export function instant(v: unknown, path: string, e: { add(path: string, message: string): void } | null): Date | null {
	if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
	if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
		const d = new Date(v);
		if (!Number.isNaN(d.getTime())) return d;
	}
	e?.add(path, `must be a date and time with a zone offset, e.g. 2026-03-29T02:00:00Z, got ${show(v)}`);
	return null;
}

/**
 * Whether a tag matches a pattern where * stands for any run of characters.
 * Not a RegExp of ".*" parts: those backtrack, and "*" × 18 then "zz" took
 * 17 s per tag on the event loop. Greedy with one backtrack point, as shell
 * globs are matched: at most pattern × tag steps.
 */
export function globMatch(pattern: string, tag: string): boolean {
	let p = 0;
	let t = 0;
	let star = -1;
	let mark = 0;
	while (t < tag.length) {
		if (p < pattern.length && pattern[p] !== '*' && pattern[p] === tag[t]) {
			p++;
			t++;
		} else if (p < pattern.length && pattern[p] === '*') {
			star = p++;
			mark = t;
		} else if (star >= 0) {
			p = star + 1;
			t = ++mark;
		} else return false;
	}
	while (p < pattern.length && pattern[p] === '*') p++;
	return p === pattern.length;
}

/** Tags (or * patterns) to monitors, in the order given, each once. */
function resolveTags(list: unknown, path: string, lookup: MonitorLookup, e: Errors, entry: (v: unknown, i: number) => string | null) {
	const out: { id: number; tag: string; index: number }[] = [];
	if (list === undefined || list === null) return out;
	if (!Array.isArray(list)) {
		e.add(path, `must be a list of monitor tags, got ${show(list)}`);
		return out;
	}
	if (list.length > MAX_AFFECTED) {
		e.add(path, `must name at most ${MAX_AFFECTED} monitors, got ${list.length}`);
		return out;
	}
	const seen = new Set<number>();
	list.forEach((v, i) => {
		const tag = entry(v, i);
		if (tag === null) return;
		const at = `${path}[${i}]${isObj(v) ? '.tag' : ''}`;
		if (tag.length > 200 || hasControlChars(tag)) return e.add(at, 'must be a monitor tag');
		const matches = tag.includes('*') ? [...lookup.keys()].filter((t) => globMatch(tag, t)) : lookup.has(tag) ? [tag] : [];
		if (!matches.length) return e.add(at, tag.includes('*') ? `"${tag}" matches no monitor` : `no monitor with tag "${tag}"`);
		for (const t of matches) {
			const id = lookup.get(t)!.id;
			if (!seen.has(id)) out.push({ id, tag: t, index: i });
			seen.add(id);
		}
	});
	if (out.length > MAX_AFFECTED) e.add(path, `matches ${out.length} monitors; at most ${MAX_AFFECTED}`);
	return out;
}

/** An incident's own fields (create and edit). */
export function validateIncidentFields(input: unknown, lookup: MonitorLookup, now: Date): Validated<IncidentFields> {
	if (!isObj(input)) return { ok: false, errors: [{ path: '', message: 'must be an object with title, impact and monitors' }] };
	const e = new Errors();
	const t = title(input.title, e);
	const explicit = input.impact === undefined || input.impact === null || input.impact === '' ? null : input.impact;
	const impact = explicit === null ? null : oneOf(explicit, INCIDENT_IMPACTS, 'impact', e);
	const startedAt =
		input.startedAt === undefined || input.startedAt === null || input.startedAt === '' ? now : instant(input.startedAt, 'startedAt', e);
	if (startedAt && startedAt.getTime() > now.getTime() + 5 * MINUTE) e.add('startedAt', 'must not be in the future');
	const impacts: IncidentImpact[] = [];
	const affected = resolveTags(input.monitors, 'monitors', lookup, e, (v, i) => {
		const raw = isObj(v) ? v.tag : v;
		if (typeof raw !== 'string' || raw === '') {
			e.add(`monitors[${i}]${isObj(v) ? '.tag' : ''}`, `must be a monitor tag, got ${show(raw)}`);
			return null;
		}
		impacts[i] = isObj(v) && v.impact !== undefined ? oneOf(v.impact, INCIDENT_IMPACTS, `monitors[${i}].impact`, e) : (impact ?? 'major');
		return raw;
	});
	let postmortem: string | null = null;
	if (input.postmortem !== undefined && input.postmortem !== null && input.postmortem !== '') {
		postmortem = e.take(validateMarkdown(input.postmortem, 'postmortem', true)) ?? null;
	}
	if (e.list.length) return { ok: false, errors: e.list };
	const monitors = affected.map((m) => ({ monitorId: m.id, tag: m.tag, impact: impacts[m.index] }));
	return {
		ok: true,
		value: {
			title: t,
			impact: impact ?? (monitors.length ? worstImpact(monitors.map((m) => m.impact)) : 'minor'),
			startedAt: startedAt!,
			postmortem,
			monitors
		}
	};
}

/** An update: the state it moves the incident to, and its Markdown. */
export function validateUpdate(input: unknown, opts: { defaultBody?: string } = {}): Validated<UpdateInput> {
	if (!isObj(input)) return { ok: false, errors: [{ path: '', message: 'must be an object with state and body' }] };
	const e = new Errors();
	const state = oneOf(input.state, INCIDENT_STATES, 'state', e);
	const raw = (input.body === undefined || input.body === null || input.body === '') && opts.defaultBody ? opts.defaultBody : input.body;
	const body = e.take(validateMarkdown(raw, 'body'));
	return e.list.length ? { ok: false, errors: e.list } : { ok: true, value: { state, body: body! } };
}

/** A new incident: its fields and the first update (state defaults to investigating). */
export function validateNewIncident(input: unknown, lookup: MonitorLookup, now: Date): Validated<NewIncidentInput> {
	const fields = validateIncidentFields(input, lookup, now);
	const update = validateUpdate(isObj(input) ? { state: input.state ?? 'investigating', body: input.body } : input);
	if (!fields.ok || !update.ok) return { ok: false, errors: [...(fields.ok ? [] : fields.errors), ...(update.ok ? [] : update.errors)] };
	return { ok: true, value: { ...fields.value, ...update.value } };
}

/**
 * A maintenance window as sent. Besides validateWindow's two forms, a one-off
 * window may leave out start (now) and give durationMinutes instead of end,
 * which is what a deploy pipeline says: "for the next 20 minutes".
 */
export function validateMaintenance(input: unknown, lookup: MonitorLookup, now: Date): Validated<MaintenanceInput> {
	if (!isObj(input)) return { ok: false, errors: [{ path: '', message: 'must be an object with title, monitors and window' }] };
	const e = new Errors();
	const t = title(input.title, e);
	const description = e.take(validateMarkdown(input.description ?? '', 'description', true)) ?? '';
	if (input.monitors === undefined || (Array.isArray(input.monitors) && input.monitors.length === 0))
		e.add('monitors', 'must name at least one monitor');
	const affected = resolveTags(input.monitors, 'monitors', lookup, e, (v, i) => {
		if (typeof v !== 'string' || v === '') {
			e.add(`monitors[${i}]`, `must be a monitor tag, got ${show(v)}`);
			return null;
		}
		return v;
	});
	let window: MaintenanceWindow | undefined;
	if (!isObj(input.window)) e.add('window', 'must be an object: {start, end} or {rrule, dtstart, durationMinutes, timeZone}');
	else {
		const w: Obj = { ...input.window };
		if (!('rrule' in w)) {
			if (w.start === undefined || w.start === 'now') w.start = now;
			if (w.end === undefined && w.durationMinutes !== undefined) {
				const start = instant(w.start, 'window.start', null);
				const d = w.durationMinutes;
				if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0)
					e.add('window.durationMinutes', `must be a whole number of minutes above 0, got ${show(d)}`);
				else if (start) w.end = new Date(start.getTime() + d * MINUTE);
			}
			delete w.durationMinutes;
		}
		const r = validateWindow(w);
		if (r.ok) window = r.value;
		else for (const err of r.errors) e.add(err.path ? `window.${err.path}` : 'window', err.message);
	}
	if (e.list.length) return { ok: false, errors: e.list };
	return { ok: true, value: { title: t, description, monitorIds: affected.map((m) => m.id), window: window! } };
}
