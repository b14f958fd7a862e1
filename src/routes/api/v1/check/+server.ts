import { checkEvalSyntax } from '$lib/server/eval/sandbox';
import { checkBody, readJson } from '$lib/server/api/write';
import { reply, runNow } from '$lib/server/api/deps';
import type { RequestHandler } from './$types';

/** Run an unsaved monitor body now and return pings and result; nothing is stored. */
export const POST: RequestHandler = async ({ request }) => {
	const body = await readJson(request);
	return reply(body.ok ? await checkBody(body.body, checkEvalSyntax, runNow) : body.reply);
};
