import { apiDeleteIncident, apiEditIncident, apiGetIncident } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => reply(await apiGetIncident(locals.app.database.db, params.id));

/** Title, impact, start, postmortem or affected monitors; the state moves with updates. */
export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request, 'the fields to change');
	return reply(body.ok ? await apiEditIncident(locals.app, params.id, body.body) : body.reply);
};

export const DELETE: RequestHandler = async ({ params, locals }) => reply(await apiDeleteIncident(locals.app, params.id));
