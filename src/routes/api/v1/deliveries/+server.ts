import { apiDeliveries } from '$lib/server/api/channels';
import { reply } from '$lib/server/api/write';
import type { RequestHandler } from './$types';

/** Delivery attempts newest first, and the messages still pending (a key of either scope). */
export const GET: RequestHandler = async ({ url, locals }) => reply(await apiDeliveries(locals.app.database.db, url.searchParams));
