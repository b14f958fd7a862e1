import { apiPostUpdate, authorOf } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Post an update: its state becomes the incident's. */
export const POST: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request, 'the update');
	return reply(body.ok ? await apiPostUpdate(locals.app, params.id, body.body, authorOf(locals)) : body.reply);
};
