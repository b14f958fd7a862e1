// /api/v1 incidents and scheduled maintenance, for machines: a deploy
// pipeline opens a window ("the next 20 minutes on db-*") and ends it, an
// on-call bot posts an incident's updates. Every write goes through the
// notices service (notices/service.ts), which validates all of it, writes in
// one transaction, reloads what visitors see and tells the probe loop; a bad
// body gets 400 naming each field and changes nothing. The admin guard has
// already checked the key: reads need a key of either scope (they name hidden
// monitors; visitors have the Statuspage JSON), writes a write key.
import type { Db } from '../db/index';
import type { Incident } from '../incidents/model';
import {
	cancelMaintenanceOccurrence,
	createIncident,
	createMaintenance,
	deleteIncident,
	deleteMaintenance,
	deleteUpdate,
	editIncident,
	editMaintenance,
	editUpdate,
	endMaintenanceNow,
	getIncident,
	getMaintenance,
	listIncidents,
	listMaintenances,
	parseId,
	postUpdate,
	resolveIncident,
	type NoticeDeps,
	type WriteResult
} from '../notices/service';
import type { FieldError } from '../monitors/validate';
import { windowBounds } from '../maintenance/stored';
import type { ApiReply } from './write';
import { nextCursor, pageQuery, presentIncident, presentMaintenance } from './notices-present';

export { presentIncident, presentMaintenance } from './notices-present';

const BASE = '/api/v1';

/** Who wrote an update: the key that was judged (a session may ride along), else the signed-in admin. */
export function authorOf(locals: { admin: { email: string } | null; apiKey: { name: string } | null }): string | null {
	if (locals.apiKey) return `${locals.apiKey.name} (API key)`;
	return locals.admin?.email ?? null;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const notFound = (what: string, path = 'id'): ApiReply => ({
	status: 404,
	body: { error: `no such ${what}`, errors: [{ path, message: `no such ${what}` }] }
});

function refused(r: Exclude<WriteResult, { ok: true }>, what: string): ApiReply {
	const errors = r.errors.map((e) => ({ path: e.path, message: e.message }));
	const error = r.status === 400 ? `invalid ${what}; nothing was written` : (errors[0]?.message ?? `no such ${what}`);
	return { status: r.status, body: { error, errors } };
}

/**
 * The body must be an object of known fields. The service ignores fields it
 * does not know, so a typo ("titel") or a field a route does not take (an
 * incident's `state` in PATCH: post an update instead) would be dropped
 * without a word; here it is named.
 */
function fieldsOf(
	body: unknown,
	allowed: readonly string[],
	what: string
): { ok: true; value: Record<string, unknown> } | { ok: false; reply: ApiReply } {
	if (!isObject(body)) {
		const errors = [{ path: '', message: `must be a JSON object with ${allowed.join(', ')}` }];
		return { ok: false, reply: { status: 400, body: { error: `invalid ${what}; nothing was written`, errors } } };
	}
	const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
	if (!unknown.length) return { ok: true, value: body };
	const errors: FieldError[] = unknown.map((k) => ({ path: k, message: `unknown field; ${what} takes ${allowed.join(', ')}` }));
	return { ok: false, reply: { status: 400, body: { error: `invalid ${what}; nothing was written`, errors } } };
}

// ---- incidents -------------------------------------------------------------

const NEW_INCIDENT = ['title', 'impact', 'state', 'body', 'monitors', 'startedAt', 'postmortem'] as const;
const INCIDENT_FIELDS = ['title', 'impact', 'monitors', 'startedAt', 'postmortem'] as const;
const UPDATE_FIELDS = ['state', 'body'] as const;

/** The body of a write on one incident: 404 for an id that cannot be one comes first, then the body's fields. */
function incidentBody(rawId: string, body: unknown, allowed: readonly string[], what: string): ReturnType<typeof fieldsOf> {
	if (parseId(rawId) === null) return { ok: false, reply: notFound('incident') };
	return fieldsOf(body, allowed, what);
}

async function incidentReply(db: Db, id: string, status = 200, headers?: Record<string, string>): Promise<ApiReply> {
	const i = await getIncident(db, id, false);
	return i ? { status, body: presentIncident(i), headers } : notFound('incident');
}

/** GET /api/v1/incidents: newest start first, `?limit` (1-100, default 20) and `?before` (a page's `next`, or an instant). */
export async function apiListIncidents(db: Db, query: URLSearchParams): Promise<ApiReply> {
	const q = pageQuery(query);
	if (!q.ok) return q.reply;
	const list = await listIncidents(db, { before: q.before, beforeId: q.beforeId, limit: q.limit + 1, publicOnly: false });
	const page = list.slice(0, q.limit);
	const last: Incident | undefined = page.at(-1);
	return {
		status: 200,
		body: { incidents: page.map(presentIncident), next: list.length > q.limit && last ? nextCursor(last.startedAt, last.id) : null }
	};
}

export const apiGetIncident = (db: Db, rawId: string) => incidentReply(db, rawId);

/** POST /api/v1/incidents: 201 with its Location and the incident. */
export async function apiCreateIncident(app: NoticeDeps, body: unknown, author: string | null, now = new Date()): Promise<ApiReply> {
	const f = fieldsOf(body, NEW_INCIDENT, 'incident');
	if (!f.ok) return f.reply;
	const r = await createIncident(app, f.value, author, now);
	if (!r.ok) return refused(r, 'incident');
	return incidentReply(app.database.db, r.id, 201, { location: `${BASE}/incidents/${r.id}` });
}

/** PATCH /api/v1/incidents/{id}: the given fields; `monitors`, when given, replaces the list. */
export async function apiEditIncident(app: NoticeDeps, rawId: string, body: unknown, now = new Date()): Promise<ApiReply> {
	const f = incidentBody(rawId, body, INCIDENT_FIELDS, 'incident');
	if (!f.ok) return f.reply;
	const r = await editIncident(app, rawId, f.value, now);
	return r.ok ? incidentReply(app.database.db, r.id) : refused(r, 'incident');
}

export async function apiDeleteIncident(app: NoticeDeps, rawId: string): Promise<ApiReply> {
	return (await deleteIncident(app, rawId)) ? { status: 204, body: null } : notFound('incident');
}

/** POST /api/v1/incidents/{id}/updates: 201, Location the update's, body the incident (it takes the update's state). */
export async function apiPostUpdate(
	app: NoticeDeps,
	rawId: string,
	body: unknown,
	author: string | null,
	now = new Date()
): Promise<ApiReply> {
	const f = incidentBody(rawId, body, UPDATE_FIELDS, 'update');
	if (!f.ok) return f.reply;
	const r = await postUpdate(app, rawId, f.value, author, now);
	if (!r.ok) return refused(r, 'update');
	return incidentReply(app.database.db, rawId, 201, { location: `${BASE}/incidents/${rawId}/updates/${r.id}` });
}

/** PATCH /api/v1/incidents/{id}/updates/{updateId}: state and body, either left as it is when not given. */
export async function apiEditUpdate(app: NoticeDeps, rawId: string, rawUpdateId: string, body: unknown): Promise<ApiReply> {
	const incident = await getIncident(app.database.db, rawId, false);
	const update = incident?.updates.find((u) => u.id === String(parseId(rawUpdateId)));
	if (!incident) return notFound('incident');
	if (!update) return notFound('update', 'updateId');
	const f = fieldsOf(body, UPDATE_FIELDS, 'update');
	if (!f.ok) return f.reply;
	const r = await editUpdate(app, incident.id, update.id, { state: update.state, body: update.body, ...f.value });
	return r.ok ? incidentReply(app.database.db, incident.id) : refused(r, 'update');
}

/** DELETE /api/v1/incidents/{id}/updates/{updateId}: 204; 409 for the last one (delete the incident instead). */
export async function apiDeleteUpdate(app: NoticeDeps, rawId: string, rawUpdateId: string): Promise<ApiReply> {
	if (parseId(rawId) === null) return notFound('incident');
	const r = await deleteUpdate(app, rawId, rawUpdateId);
	return r.ok ? { status: 204, body: null } : refused(r, 'update');
}

/** POST /api/v1/incidents/{id}/resolve: posts a "resolved" update, with `body` or Statuspage's wording. */
export async function apiResolveIncident(
	app: NoticeDeps,
	rawId: string,
	body: unknown,
	author: string | null,
	now = new Date()
): Promise<ApiReply> {
	// No body at all is Statuspage's wording; a body that is not an object is still refused.
	const f = incidentBody(rawId, body === undefined ? {} : body, ['body'], 'resolution');
	if (!f.ok) return f.reply;
	const r = await resolveIncident(app, rawId, f.value.body, author, now);
	return r.ok ? incidentReply(app.database.db, rawId) : refused(r, 'resolution');
}

// ---- maintenance -----------------------------------------------------------

const MAINTENANCE_FIELDS = ['title', 'description', 'monitors', 'window'] as const;

async function maintenanceReply(db: Db, id: string, now: Date, status = 200, headers?: Record<string, string>): Promise<ApiReply> {
	const m = await getMaintenance(db, id, false);
	return m ? { status, body: presentMaintenance(m, now), headers } : notFound('maintenance');
}

/**
 * The monitors as GET shows them ({tag, name}) are taken back as their tags,
 * so a window read can be changed and PUT as it is.
 */
function withTags(body: Record<string, unknown>): Record<string, unknown> {
	if (!Array.isArray(body.monitors)) return body;
	return { ...body, monitors: body.monitors.map((m) => (isObject(m) && typeof m.tag === 'string' ? m.tag : m)) };
}

/** GET /api/v1/maintenance: newest first start first; `?limit` and `?before` as for incidents. */
export async function apiListMaintenance(db: Db, query: URLSearchParams, now = new Date()): Promise<ApiReply> {
	const q = pageQuery(query);
	if (!q.ok) return q.reply;
	const list = await listMaintenances(db, { before: q.before, beforeId: q.beforeId, limit: q.limit + 1, publicOnly: false });
	const page = list.slice(0, q.limit);
	const last = page.at(-1);
	return {
		status: 200,
		body: {
			maintenance: page.map((m) => presentMaintenance(m, now)),
			next: list.length > q.limit && last ? nextCursor(windowBounds(last.window).firstStart, last.id) : null
		}
	};
}

export const apiGetMaintenance = (db: Db, rawId: string, now = new Date()) => maintenanceReply(db, rawId, now);

/** POST /api/v1/maintenance: 201 with its Location. `window` may be {durationMinutes} alone: from now. */
export async function apiCreateMaintenance(app: NoticeDeps, body: unknown, now = new Date()): Promise<ApiReply> {
	const f = fieldsOf(body, MAINTENANCE_FIELDS, 'maintenance');
	if (!f.ok) return f.reply;
	const r = await createMaintenance(app, withTags(f.value), now);
	if (!r.ok) return refused(r, 'maintenance');
	return maintenanceReply(app.database.db, r.id, now, 201, { location: `${BASE}/maintenance/${r.id}` });
}

/** PUT /api/v1/maintenance/{id}: the whole window again; its cancelled occurrences and manual end go with the old one. */
export async function apiReplaceMaintenance(app: NoticeDeps, rawId: string, body: unknown, now = new Date()): Promise<ApiReply> {
	if ((await getMaintenance(app.database.db, rawId, false)) === null) return notFound('maintenance');
	const f = fieldsOf(body, MAINTENANCE_FIELDS, 'maintenance');
	if (!f.ok) return f.reply;
	const r = await editMaintenance(app, rawId, withTags(f.value), now);
	return r.ok ? maintenanceReply(app.database.db, rawId, now) : refused(r, 'maintenance');
}

export async function apiDeleteMaintenance(app: NoticeDeps, rawId: string): Promise<ApiReply> {
	return (await deleteMaintenance(app, rawId)) ? { status: 204, body: null } : notFound('maintenance');
}

/** POST /api/v1/maintenance/{id}/end: ends the occurrence in progress now, and the window (only the first call counts). */
export async function apiEndMaintenance(app: NoticeDeps, rawId: string, now = new Date()): Promise<ApiReply> {
	const r = await endMaintenanceNow(app, rawId, now);
	if (!r.ok) return refused(r, 'maintenance');
	return maintenanceReply(app.database.db, rawId, now);
}

/** POST /api/v1/maintenance/{id}/cancel {start}: cancels the one occurrence that starts then. */
export async function apiCancelOccurrence(app: NoticeDeps, rawId: string, body: unknown, now = new Date()): Promise<ApiReply> {
	if ((await getMaintenance(app.database.db, rawId, false)) === null) return notFound('maintenance');
	const f = fieldsOf(body, ['start'], 'cancellation');
	if (!f.ok) return f.reply;
	const r = await cancelMaintenanceOccurrence(app, rawId, f.value.start);
	return r.ok ? maintenanceReply(app.database.db, rawId, now) : refused(r, 'cancellation');
}
