import { apiDeleteUpdate, apiEditUpdate } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request, 'the update');
	return reply(body.ok ? await apiEditUpdate(locals.app, params.id, params.updateId, body.body) : body.reply);
};

/** 409 for the incident's only update: delete the incident instead. */
export const DELETE: RequestHandler = async ({ params, locals }) => reply(await apiDeleteUpdate(locals.app, params.id, params.updateId));
