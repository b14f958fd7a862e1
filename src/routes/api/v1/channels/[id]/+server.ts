import { apiDeleteChannel, apiGetChannel, apiUpdateChannel } from '$lib/server/api/channels';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => reply(await apiGetChannel(locals.app.database.db, params.id));

/** The given fields over the stored channel; a secret sent back masked is kept. */
export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request, 'the fields to change');
	return reply(body.ok ? await apiUpdateChannel(locals.app.database.db, params.id, body.body, locals.app.config.monitorsFile) : body.reply);
};

export const DELETE: RequestHandler = async ({ params, locals }) =>
	reply(await apiDeleteChannel(locals.app.database.db, params.id, locals.app.config.monitorsFile));
