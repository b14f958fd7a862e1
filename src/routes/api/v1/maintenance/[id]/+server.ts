import { apiDeleteMaintenance, apiGetMaintenance, apiReplaceMaintenance } from '$lib/server/api/notices';
import { readJson, reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => reply(await apiGetMaintenance(locals.app.database.db, params.id));

/** The whole window again (title, description, monitors, window). */
export const PUT: RequestHandler = async ({ params, request, locals }) => {
	const body = await readJson(request, 'the maintenance window');
	return reply(body.ok ? await apiReplaceMaintenance(locals.app, params.id, body.body) : body.reply);
};

export const DELETE: RequestHandler = async ({ params, locals }) => reply(await apiDeleteMaintenance(locals.app, params.id));
