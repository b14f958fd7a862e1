// Incident and maintenance writes for the admin pages and /api/v1, and the
// reads behind them. Each write validates everything first (notices/validate),
// writes in one transaction (db/queries), then reloads the in-memory notices
// (waited for: the next page shows the change) and tells the probe loop about
// maintenance (not waited for: it re-reads within its poll anyway).
import type { Db } from '../db/index';
import {
	deleteIncidentById,
	deleteIncidentUpdate,
	editIncidentUpdate,
	incidentById,
	incidentsPage,
	insertIncident,
	insertIncidentUpdate,
	monitorsByTag,
	updateIncidentFields
} from '../db/queries/incidents';
import {
	cancelOccurrence,
	cutOccurrence,
	deleteMaintenanceById,
	endMaintenance,
	insertMaintenance,
	maintenanceById,
	maintenancesPage,
	replaceMaintenance
} from '../db/queries/maintenance';
import type { Incident, Maintenance } from '../incidents/model';
import { isRecurring, nextOccurrences, occurrences } from '../maintenance/recurrence';
import { windowBounds, windowToJson } from '../maintenance/stored';
import type { FieldError } from '../monitors/validate';
import type { Notices } from './cache';
import { toIncident, toMaintenance } from './rows';
import { instant, validateIncidentFields, validateMaintenance, validateNewIncident, validateUpdate } from './validate';

export interface NoticeDeps {
	database: { db: Db };
	notices: Pick<Notices, 'refresh'>;
	scheduler: { refresh(force?: boolean): Promise<void> } | null;
}

export type WriteResult<T = { id: string }> =
	| ({ ok: true } & T)
	| { ok: false; status: 400; errors: FieldError[] }
	| { ok: false; status: 404; errors: FieldError[] }
	| { ok: false; status: 409; errors: FieldError[] };

/** Statuspage's words for the update a plain "resolve" posts. */
export const RESOLVED_BODY = 'This incident has been resolved.';

const bad = (errors: FieldError[]) => ({ ok: false as const, status: 400 as const, errors });
const missing = (what: string, field = 'id') => ({
	ok: false as const,
	status: 404 as const,
	errors: [{ path: field, message: `no ${what}` }]
});

/** Ids in URLs and forms: a positive int4, so a typo or 1e30 is "no such", not a database error. */
export function parseId(raw: unknown): number | null {
	const s = typeof raw === 'number' ? String(raw) : raw;
	if (typeof s !== 'string' || !/^[1-9]\d{0,9}$/.test(s)) return null;
	const n = Number(s);
	return n <= 2_147_483_647 ? n : null;
}

async function changed(app: NoticeDeps, maintenance = false) {
	if (maintenance) void app.scheduler?.refresh().catch(() => {});
	await app.notices.refresh();
}

// ---- incidents -------------------------------------------------------------

export async function createIncident(app: NoticeDeps, input: unknown, author: string | null, now = new Date()): Promise<WriteResult> {
	const lookup = await monitorsByTag(app.database.db);
	const v = validateNewIncident(input, lookup, now);
	if (!v.ok) return bad(v.errors);
	const { state, body, monitors, ...fields } = v.value;
	const id = await insertIncident(app.database.db, {
		...fields,
		state,
		resolvedAt: state === 'resolved' ? now : null,
		monitors: monitors.map((m) => ({ monitorId: m.monitorId, impact: m.impact })),
		update: { state, body, author, createdAt: now }
	});
	await changed(app);
	return { ok: true, id: String(id) };
}

/** Title, impact, start, postmortem and affected monitors (left as they are when `monitors` is absent). */
export async function editIncident(app: NoticeDeps, rawId: unknown, input: unknown, now = new Date()): Promise<WriteResult> {
	const id = parseId(rawId);
	const current = id === null ? null : await incidentById(app.database.db, id);
	if (!current || id === null) return missing('incident');
	const o = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
	const merged = {
		title: current.title,
		impact: current.impact,
		startedAt: current.startedAt,
		postmortem: current.postmortem,
		monitors: current.monitors.map((m) => ({ tag: m.tag, impact: m.impact })),
		...o
	};
	const v = validateIncidentFields(merged, await monitorsByTag(app.database.db), now);
	if (!v.ok) return bad(v.errors);
	const { monitors, ...fields } = v.value;
	const affected = 'monitors' in o ? monitors.map((m) => ({ monitorId: m.monitorId, impact: m.impact })) : null;
	if (!(await updateIncidentFields(app.database.db, id, fields, affected))) return missing('incident');
	await changed(app);
	return { ok: true, id: String(id) };
}

/** Posts an update (state and Markdown); a "resolved" update with no text gets Statuspage's wording. */
export async function postUpdate(
	app: NoticeDeps,
	rawId: unknown,
	input: unknown,
	author: string | null,
	now = new Date()
): Promise<WriteResult> {
	const id = parseId(rawId);
	if (id === null) return missing('incident');
	const o = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : input;
	const v = validateUpdate(o, { defaultBody: (o as { state?: unknown })?.state === 'resolved' ? RESOLVED_BODY : undefined });
	if (!v.ok) return bad(v.errors);
	const updateId = await insertIncidentUpdate(app.database.db, id, { ...v.value, author, createdAt: now });
	if (updateId === null) return missing('incident');
	await changed(app);
	return { ok: true, id: String(updateId) };
}

export function resolveIncident(app: NoticeDeps, rawId: unknown, body: unknown, author: string | null, now = new Date()) {
	return postUpdate(app, rawId, { state: 'resolved', body }, author, now);
}

export async function editUpdate(app: NoticeDeps, rawId: unknown, rawUpdateId: unknown, input: unknown): Promise<WriteResult> {
	const id = parseId(rawId);
	const updateId = parseId(rawUpdateId);
	if (id === null || updateId === null) return missing('such update', 'updateId');
	const v = validateUpdate(input);
	if (!v.ok) return bad(v.errors);
	if (!(await editIncidentUpdate(app.database.db, id, updateId, v.value))) return missing('such update', 'updateId');
	await changed(app);
	return { ok: true, id: String(updateId) };
}

export async function deleteUpdate(app: NoticeDeps, rawId: unknown, rawUpdateId: unknown): Promise<WriteResult> {
	const id = parseId(rawId);
	const updateId = parseId(rawUpdateId);
	if (id === null || updateId === null) return missing('such update', 'updateId');
	const r = await deleteIncidentUpdate(app.database.db, id, updateId);
	if (r === 'missing') return missing('such update', 'updateId');
	if (r === 'last')
		return {
			ok: false,
			status: 409,
			errors: [{ path: 'updateId', message: 'an incident keeps at least one update; delete the incident instead' }]
		};
	await changed(app);
	return { ok: true, id: String(updateId) };
}

export async function deleteIncident(app: NoticeDeps, rawId: unknown): Promise<boolean> {
	const id = parseId(rawId);
	if (id === null || !(await deleteIncidentById(app.database.db, id))) return false;
	await changed(app);
	return true;
}

/** One incident with every affected monitor (hidden ones too, with `publicOnly` false: for admins). */
export async function getIncident(db: Db, rawId: unknown, publicOnly: boolean): Promise<Incident | null> {
	const id = parseId(rawId);
	const row = id === null ? null : await incidentById(db, id);
	return row ? toIncident(row, publicOnly) : null;
}

/** Newest first; `before` (and `beforeId`, the last one's id) continue after a page (see incidentsPage). */
export async function listIncidents(
	db: Db,
	opts: { before?: Date | null; beforeId?: number | null; limit: number; offset?: number; publicOnly: boolean }
) {
	const rows = await incidentsPage(db, { before: opts.before ?? null, beforeId: opts.beforeId, limit: opts.limit, offset: opts.offset });
	return rows.map((r) => toIncident(r, opts.publicOnly));
}

// ---- maintenance -----------------------------------------------------------

async function maintenanceWrite(app: NoticeDeps, input: unknown, now: Date) {
	const v = validateMaintenance(input, await monitorsByTag(app.database.db), now);
	if (!v.ok) return v;
	const { window, ...rest } = v.value;
	return { ok: true as const, value: { ...rest, window: windowToJson(window), ...windowBounds(window) } };
}

export async function createMaintenance(app: NoticeDeps, input: unknown, now = new Date()): Promise<WriteResult> {
	const w = await maintenanceWrite(app, input, now);
	if (!w.ok) return bad(w.errors);
	const id = await insertMaintenance(app.database.db, w.value);
	await changed(app, true);
	return { ok: true, id: String(id) };
}

/** Replaces a window (its cancelled occurrences and manual end go with the old one). */
export async function editMaintenance(app: NoticeDeps, rawId: unknown, input: unknown, now = new Date()): Promise<WriteResult> {
	const id = parseId(rawId);
	if (id === null) return missing('maintenance');
	const w = await maintenanceWrite(app, input, now);
	if (!w.ok) return bad(w.errors);
	if (!(await replaceMaintenance(app.database.db, id, w.value))) return missing('maintenance');
	await changed(app, true);
	return { ok: true, id: String(id) };
}

/**
 * "End now". A one-off window stops now (one not started yet never happens).
 * A recurring window's occurrence in progress stops now and later ones still
 * happen: the nightly job finished early, the schedule stands (to end the
 * series, edit or delete it). Refused when nothing is in progress.
 */
export async function endMaintenanceNow(app: NoticeDeps, rawId: unknown, now = new Date()): Promise<WriteResult> {
	const id = parseId(rawId);
	const row = id === null ? null : await maintenanceById(app.database.db, id);
	const m = row ? toMaintenance(row, false) : null;
	if (!m || id === null) return missing('maintenance');
	const [current] = nextOccurrences(m.window, now, 1);
	if (isRecurring(m.window)) {
		if (!current || current.start > now)
			return { ok: false, status: 409, errors: [{ path: 'id', message: 'no occurrence is in progress; cancel the next one instead' }] };
		await cutOccurrence(app.database.db, id, current.start, now);
	} else {
		if (!current) return { ok: false, status: 409, errors: [{ path: 'id', message: 'this maintenance is already over' }] };
		await endMaintenance(app.database.db, id, now);
	}
	await changed(app, true);
	return { ok: true, id: String(id) };
}

/** Cancels the occurrence that starts at `start` (an ISO instant); it must be one of the window's. */
export async function cancelMaintenanceOccurrence(app: NoticeDeps, rawId: unknown, rawStart: unknown): Promise<WriteResult> {
	const id = parseId(rawId);
	const row = id === null ? null : await maintenanceById(app.database.db, id);
	const m = row ? toMaintenance(row, false) : null;
	if (!m || id === null) return missing('maintenance');
	const errors: FieldError[] = [];
	const start = instant(rawStart, 'start', { add: (path, message) => errors.push({ path, message }) });
	if (!start) return bad(errors);
	const hit = occurrences(m.window, new Date(start.getTime() - 1), new Date(start.getTime() + 1)).some(
		(o) => o.start.getTime() === start.getTime()
	);
	if (!hit) return bad([{ path: 'start', message: `no occurrence of this window starts at ${start.toISOString()}` }]);
	await cancelOccurrence(app.database.db, id, start);
	await changed(app, true);
	return { ok: true, id: String(id) };
}

export async function deleteMaintenance(app: NoticeDeps, rawId: unknown): Promise<boolean> {
	const id = parseId(rawId);
	if (id === null || !(await deleteMaintenanceById(app.database.db, id))) return false;
	await changed(app, true);
	return true;
}

export async function getMaintenance(db: Db, rawId: unknown, publicOnly: boolean): Promise<Maintenance | null> {
	const id = parseId(rawId);
	const row = id === null ? null : await maintenanceById(db, id);
	return row ? toMaintenance(row, publicOnly) : null;
}

export async function listMaintenances(
	db: Db,
	opts: { before?: Date | null; beforeId?: number | null; limit: number; offset?: number; publicOnly: boolean }
) {
	const rows = await maintenancesPage(db, { before: opts.before ?? null, beforeId: opts.beforeId, limit: opts.limit, offset: opts.offset });
	return rows.flatMap((r) => toMaintenance(r, opts.publicOnly) ?? []);
}
