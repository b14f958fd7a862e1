import { runNowAs } from '$lib/server/app';
import { checkSaved, reply } from '$lib/server/api/write';
import { runNowCaller } from '$lib/server/probe/run-now';
import type { RequestHandler } from './$types';

/** Run the saved monitor now and return pings and result; nothing is stored. */
export const POST: RequestHandler = async ({ params, locals, getClientAddress }) =>
	reply(await checkSaved(locals.app.database.db, params.tag, runNowAs(locals.app, runNowCaller(locals, getClientAddress))));
