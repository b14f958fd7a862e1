// /api/v1 writes and run-now for machines, in the spec's JSON format. Every
// body is validated completely (fields, then eval syntax) before anything is
// written; a bad body gets 400 with one message per field and changes nothing.
// The admin guard has already checked the key's scope. Writes go through the
// monitor service (monitors/service.ts), which also tells the scheduler.
import { json } from '@sveltejs/kit';
import type { Db } from '../db/index';
import { getMonitorSpec } from '../db/queries/monitors';
import { validateMonitor, type FieldError, type MonitorInput } from '../monitors/validate';
import { deleteMonitor, saveMonitor, type MonitorDeps, type SaveResult } from '../monitors/service';
import type { EvalCheck } from '../admin/form';
import { presentOutcome, type RunNowResult } from '../probe/run-now';
import type { Host } from '../types';
import { parseJson } from '../json';

export interface WriteDeps {
	/** The running app (event.locals.app), or what of it a write needs. */
	app: MonitorDeps;
	checkEval: EvalCheck;
}

export interface ApiReply {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

const invalid = (errors: FieldError[]): ApiReply => ({
	status: 400,
	body: { error: 'invalid monitor; nothing was written', errors: errors.map((e) => ({ path: e.path, message: e.message })) }
});

/** A refused write: 400 (an unknown channel, with "nothing was written"), 404 or 409. */
function saveFailed(r: Extract<SaveResult, { ok: false }>): ApiReply {
	const errors = r.errors ?? [{ path: r.field, message: r.message }];
	return { status: r.status, body: r.status === 400 ? invalid(errors).body : { error: r.message, errors } };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Validates a body: shape via validateMonitor, then the eval's syntax in the sandbox. */
export async function validateBody(
	body: unknown,
	checkEval: EvalCheck
): Promise<{ ok: true; value: MonitorInput } | { ok: false; reply: ApiReply }> {
	const r = validateMonitor(body);
	if (!r.ok) return { ok: false, reply: invalid(r.errors) };
	if (r.value.eval !== null) {
		const s = await checkEval(r.value.eval);
		if (!s.ok) return { ok: false, reply: invalid([{ path: 'eval', message: s.error }]) };
	}
	return { ok: true, value: r.value };
}

/** POST /api/v1/monitors */
export async function createMonitor(d: WriteDeps, body: unknown): Promise<ApiReply> {
	const v = await validateBody(body, d.checkEval);
	if (!v.ok) return v.reply;
	const r = await saveMonitor(d.app, v.value, null);
	if (!r.ok) return saveFailed(r);
	return { status: 201, body: v.value };
}

/** PUT /api/v1/monitors/{tag}: the whole monitor; created when missing; a different body tag renames. */
export async function replaceMonitor(d: WriteDeps, tag: string, body: unknown): Promise<ApiReply> {
	const withTag = isObject(body) && body.tag === undefined ? { ...body, tag } : body;
	const v = await validateBody(withTag, d.checkEval);
	if (!v.ok) return v.reply;
	const exists = (await getMonitorSpec(d.app.database.db, tag)) !== null;
	const r = await saveMonitor(d.app, v.value, exists ? tag : null);
	if (!r.ok) return saveFailed(r);
	return { status: exists ? 200 : 201, body: v.value };
}

/** PATCH /api/v1/monitors/{tag}: the given fields over the saved monitor (type_data is replaced whole). */
export async function updateMonitor(d: WriteDeps, tag: string, body: unknown): Promise<ApiReply> {
	if (!isObject(body)) return invalid([{ path: '', message: 'must be a JSON object of fields to change' }]);
	const current = await getMonitorSpec(d.app.database.db, tag);
	if (!current) return notFound(tag);
	const v = await validateBody({ ...current, ...body }, d.checkEval);
	if (!v.ok) return v.reply;
	const r = await saveMonitor(d.app, v.value, tag);
	if (!r.ok) return saveFailed(r);
	return { status: 200, body: v.value };
}

export async function removeMonitor(d: WriteDeps, tag: string): Promise<ApiReply> {
	if (!(await deleteMonitor(d.app, tag))) return notFound(tag);
	return { status: 204, body: null };
}

const notFound = (tag: string): ApiReply => ({ status: 404, body: { error: `no monitor with tag ${JSON.stringify(tag)}` } });

/** Run-now for one caller (app.ts runNowAs; see checkNow there: limits and budget). */
export type CheckNow = (hosts: Host[], evalSource: string | null) => Promise<RunNowResult>;

/** A refused run-now as a reply: 400 naming the limit, or 429 with Retry-After. */
function refused(r: Exclude<RunNowResult, { ok: true }>): ApiReply {
	if (r.status === 400) {
		return {
			status: 400,
			body: { error: 'over the run-now limits; nothing was probed', errors: r.errors.map((e) => ({ path: e.path, message: e.message })) }
		};
	}
	return { status: 429, body: { error: r.error }, headers: { 'retry-after': String(r.retryAfterS) } };
}

/** POST /api/v1/monitors/{tag}/check: the saved monitor, now; nothing is stored. */
export async function checkSaved(db: Db, tag: string, checkNow: CheckNow): Promise<ApiReply> {
	const m = await getMonitorSpec(db, tag);
	if (!m) return notFound(tag);
	const r = await checkNow(m.type_data.hosts, m.eval);
	return r.ok ? { status: 200, body: { tag, ...presentOutcome(r.outcome) } } : refused(r);
}

/** POST /api/v1/check: an unsaved monitor body (tag and name may be left out); nothing is stored. */
export async function checkBody(body: unknown, checkEval: EvalCheck, checkNow: CheckNow): Promise<ApiReply> {
	const filled = isObject(body) ? { tag: 'unsaved', name: 'unsaved', type: 'TCP', ...body } : body;
	const v = await validateBody(filled, checkEval);
	if (!v.ok) return v.reply;
	const r = await checkNow(v.value.type_data.hosts, v.value.eval);
	return r.ok ? { status: 200, body: presentOutcome(r.outcome) } : refused(r);
}

/**
 * Reads a JSON body, or a 4xx reply saying why not. `what` names it in the
 * 415; `optional` takes a request without a body as `undefined` (a plain
 * "resolve" needs no text).
 */
export async function readJson(
	request: Request,
	what = 'the monitor',
	optional = false
): Promise<{ ok: true; body: unknown } | { ok: false; reply: ApiReply }> {
	if (optional && request.body === null) return { ok: true, body: undefined };
	const type = request.headers.get('content-type') ?? '';
	if (!type.includes('application/json')) {
		return { ok: false, reply: { status: 415, body: { error: `send ${what} as JSON (content-type: application/json)` } } };
	}
	const text = await request.text();
	if (text.length > 1_000_000) return { ok: false, reply: { status: 413, body: { error: 'body over 1 MB' } } };
	const parsed = parseJson(text);
	return parsed.ok ? { ok: true, body: parsed.value } : { ok: false, reply: { status: 400, body: { error: parsed.message } } };
}

/** An ApiReply as the route's Response. */
export function reply(r: ApiReply): Response {
	return r.status === 204 ? new Response(null, { status: 204 }) : json(r.body, { status: r.status, headers: r.headers });
}
