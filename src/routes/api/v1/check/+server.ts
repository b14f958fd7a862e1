import { runNowAs } from '$lib/server/app';
import { checkBody, readJson, reply } from '$lib/server/api/write';
import { runNowCaller } from '$lib/server/probe/run-now';
import type { RequestHandler } from './$types';

/** Run an unsaved monitor body now and return pings and result; nothing is stored. */
export const POST: RequestHandler = async ({ request, locals, getClientAddress }) => {
	const body = await readJson(request);
	const runNow = runNowAs(locals.app, runNowCaller(locals, getClientAddress));
	return reply(body.ok ? await checkBody(body.body, locals.app.eval.checkSyntax, runNow) : body.reply);
};
