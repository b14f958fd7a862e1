import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { listPublicMonitors } from '$lib/server/api/monitors';
import { createMonitor, readJson } from '$lib/server/api/write';
import { reply, writeDeps } from '$lib/server/api/deps';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const app = getApp();
	return json(await listPublicMonitors(app.database.db, app.config.siteTimezone));
};

/** Create a monitor (write key; the guard checked it). */
export const POST: RequestHandler = async ({ request }) => {
	const body = await readJson(request);
	return reply(body.ok ? await createMonitor(writeDeps(), body.body) : body.reply);
};
