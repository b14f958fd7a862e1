import { apiResolveIncident, authorOf } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Resolve: a "resolved" update, with the body's text or Statuspage's wording (no body needed). */
export const POST: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request, 'the resolution', true);
	return reply(body.ok ? await apiResolveIncident(locals.app, params.id, body.body, authorOf(locals)) : body.reply);
};
