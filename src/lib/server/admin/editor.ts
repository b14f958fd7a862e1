// The monitor editor's load and actions (create, edit, run now), shared by
// /admin/monitors/new and /admin/monitors/[tag]. Each takes the running app
// (event.locals.app).
import { error, fail, redirect } from '@sveltejs/kit';
import { checkNow, type App } from '../app';
import { DEFAULT_EVAL } from '../eval/default';
import { EVAL_TEMPLATES } from '../eval/templates';
import { getMonitorByTag, getMonitorSpec } from '../db/queries/monitors';
import { recentPings } from '../db/queries/checks';
import type { Ping } from '../types';
import { listChannelChoices } from '../db/queries/monitor-alerts';
import { saveMonitor } from '../monitors/service';
import { presentOutcome } from '../probe/run-now';
import {
	blankForm,
	checkRunHosts,
	isDefaultEval,
	readMonitorForm,
	specToForm,
	toFormErrors,
	validateMonitorForm,
	type MonitorForm
} from './form';
import { readForm } from './request';

export async function loadEditor(app: App, tag: string | null) {
	let form: MonitorForm = blankForm();
	if (tag !== null) {
		const spec = await getMonitorSpec(app.database.db, tag);
		if (!spec) error(404, `No monitor with tag "${tag}"`);
		form = specToForm(spec);
	}
	return {
		original: tag,
		form,
		channels: await listChannelChoices(app.database.db),
		defaultEval: DEFAULT_EVAL,
		templates: EVAL_TEMPLATES.map((t) => ({ id: t.id, name: t.name, description: t.description, source: t.source })),
		recentPings: tag === null ? [] : await editorRecentPings(app, tag)
	};
}

/** How many of the latest checks the hosts table's troubleshooting hints look at. */
export const HINT_CHECKS = 10;

/** The pings of the monitor's latest checks, newest first, without the dialled address (the hints need none). */
async function editorRecentPings(app: App, tag: string): Promise<Ping[][]> {
	const row = await getMonitorByTag(app.database.db, tag);
	if (!row) return [];
	const checks = await recentPings(app.database.db, row.id, HINT_CHECKS);
	return checks.map((pings) => pings.map(({ status, latency, host, port, type, error }) => ({ status, latency, host, port, type, error })));
}

/** Save: validate everything (fields, then eval syntax in the sandbox), write, refresh the scheduler. */
export async function saveFromForm(app: App, request: Request, originalTag: string | null) {
	const values = readMonitorForm(await readForm(request));
	const v = await validateMonitorForm(values, app.eval.checkSyntax);
	if (!v.ok) return fail(400, { action: 'save' as const, values, errors: v.errors });
	const r = await saveMonitor(app, v.value, originalTag);
	if (!r.ok) {
		if (r.status === 404) error(404, r.message);
		// Unknown channels come as field errors (channels[1]); 409's message already names its field.
		const errors: Record<string, string> = r.errors ? toFormErrors(r.errors) : { [r.field]: r.message };
		return fail(r.status, { action: 'save' as const, values, errors });
	}
	if (originalTag === null || r.tag !== originalTag)
		redirect(303, `/admin/monitors/${r.tag}/edit?saved=${r.created ? 'created' : 'renamed'}`);
	return { action: 'save' as const, saved: true, savedAt: new Date().toISOString(), tag: r.tag };
}

/**
 * Run now: probes the hosts as they stand in the form, saved or not, and runs
 * the function in the sandbox. Only host problems stop it: a broken function
 * is what run-now is for, and its exact error comes back as the result.
 */
export async function runFromForm(app: App, request: Request, caller: string) {
	const values = readMonitorForm(await readForm(request));
	const hosts = await checkRunHosts(values);
	if (!hosts.ok) return fail(400, { action: 'run' as const, values, errors: hosts.errors });
	const r = await checkNow(app, hosts.hosts, isDefaultEval(values.eval) ? null : values.eval, caller);
	if (r.ok) return { action: 'run' as const, run: presentOutcome(r.outcome) };
	// Over the run-now limits (400): marked on the hosts like any host error.
	if (r.status === 400) return fail(400, { action: 'run' as const, values, errors: toFormErrors(r.errors) });
	// Busy (429): nothing is wrong with the form; say so, and when to try again.
	return fail(429, { action: 'run' as const, values, busy: r.error, retryAfterS: r.retryAfterS });
}
