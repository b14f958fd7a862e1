import { error, json } from '@sveltejs/kit';
import { getPublicMonitor } from '$lib/server/api/monitors';
import { readJson, removeMonitor, replaceMonitor, reply, updateMonitor, type WriteDeps } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** A write's parts: the app (database; the service tells its scheduler) and the eval syntax check. */
const deps = (locals: App.Locals): WriteDeps => ({ app: locals.app, checkEval: locals.app.eval.checkSyntax });

export const GET: RequestHandler = async ({ params, url, locals }) => {
	const { app } = locals;
	const raw = url.searchParams.get('limit');
	const limit = raw === null ? 60 : Number(raw);
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
		error(400, `limit must be a whole number 1-1000, got ${JSON.stringify(raw)}`);
	}
	const monitor = await getPublicMonitor(app.database.db, app.config.siteTimezone, params.tag, limit);
	if (!monitor) error(404, `no public monitor with tag ${JSON.stringify(params.tag)}`);
	return json(monitor);
};

/** Replace (or create) the monitor at this tag; a different tag in the body renames it. */
export const PUT: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request);
	return reply(body.ok ? await replaceMonitor(deps(locals), params.tag, body.body) : body.reply);
};

/** Change some fields of the monitor. */
export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request);
	return reply(body.ok ? await updateMonitor(deps(locals), params.tag, body.body) : body.reply);
};

export const DELETE: RequestHandler = async ({ params, locals }) => reply(await removeMonitor(deps(locals), params.tag));
