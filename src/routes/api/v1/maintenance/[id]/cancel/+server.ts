import { apiCancelOccurrence } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Cancel one occurrence: {"start": "<its start, ISO>"} (as `next` lists them). */
export const POST: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request, 'the occurrence to cancel');
	return reply(body.ok ? await apiCancelOccurrence(locals.app, params.id, body.body) : body.reply);
};
