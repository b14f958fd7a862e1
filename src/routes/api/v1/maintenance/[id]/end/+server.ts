import { apiEndMaintenance } from '$lib/server/api/notices';
import { reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** End now: the occurrence in progress stops, and no later one happens. */
export const POST: RequestHandler = async ({ params, locals }) => reply(await apiEndMaintenance(locals.app, params.id));
