import { getApp } from '$lib/server/app';
import { checkSaved } from '$lib/server/api/write';
import { reply, runNow } from '$lib/server/api/deps';
import type { RequestHandler } from './$types';

/** Run the saved monitor now and return pings and result; nothing is stored. */
export const POST: RequestHandler = async ({ params }) => reply(await checkSaved(getApp().database.db, params.tag, runNow));
