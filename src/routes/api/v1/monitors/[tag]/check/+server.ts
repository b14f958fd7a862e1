import { getApp } from '$lib/server/app';
import { checkSaved } from '$lib/server/api/write';
import { reply, runNowAs } from '$lib/server/api/deps';
import { runNowCaller } from '$lib/server/probe/run-now';
import type { RequestHandler } from './$types';

/** Run the saved monitor now and return pings and result; nothing is stored. */
export const POST: RequestHandler = async ({ params, locals, getClientAddress }) =>
	reply(await checkSaved(getApp().database.db, params.tag, runNowAs(runNowCaller(locals, getClientAddress))));
