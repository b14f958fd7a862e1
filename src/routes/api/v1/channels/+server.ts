import { apiCreateChannel, apiListChannels } from '$lib/server/api/channels';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Every alert channel, secrets masked (a key of either scope; the guard checked it). */
export const GET: RequestHandler = async ({ locals }) => reply(await apiListChannels(locals.app.database.db));

/** Create a channel (write key). */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await readJson(request, 'the channel');
	return reply(body.ok ? await apiCreateChannel(locals.app.database.db, body.body) : body.reply);
};
