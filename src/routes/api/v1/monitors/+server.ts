import { json } from '@sveltejs/kit';
import { listPublicMonitors } from '$lib/server/api/monitors';
import { createMonitor, readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	const { app } = locals;
	return json(await listPublicMonitors(app.database.db, app.config.siteTimezone));
};

/** Create a monitor (write key; the guard checked it); the service tells the scheduler. */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await readJson(request);
	return reply(body.ok ? await createMonitor({ app: locals.app, checkEval: locals.app.eval.checkSyntax }, body.body) : body.reply);
};
