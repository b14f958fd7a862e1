import { apiCreateMaintenance, apiListMaintenance } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Windows, newest first start first, with state and next occurrences (a key of either scope). */
export const GET: RequestHandler = async ({ url, locals }) => reply(await apiListMaintenance(locals.app.database.db, url.searchParams));

/** Schedule a window (write key); {"window": {"durationMinutes": 20}} starts now. */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await readJson(request, 'the maintenance window');
	return reply(body.ok ? await apiCreateMaintenance(locals.app, body.body) : body.reply);
};
