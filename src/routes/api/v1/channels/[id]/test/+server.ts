import { apiTestChannel } from '$lib/server/api/channels';
import { reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Queue a test message to the channel (write key); GET /api/v1/deliveries shows its answer. */
export const POST: RequestHandler = async ({ params, locals }) =>
	reply(await apiTestChannel(locals.app.database.db, params.id, () => locals.app.sender?.wake()));
