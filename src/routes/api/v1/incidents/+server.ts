import { apiCreateIncident, apiListIncidents, authorOf } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Incidents, newest first, hidden monitors named (a key of either scope; the guard checked it). */
export const GET: RequestHandler = async ({ url, locals }) => reply(await apiListIncidents(locals.app.database.db, url.searchParams));

/** Open an incident with its first update (write key). */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await readJson(request, 'the incident');
	return reply(body.ok ? await apiCreateIncident(locals.app, body.body, authorOf(locals)) : body.reply);
};
