import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { listPublicMonitors } from '$lib/server/api/monitors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const app = getApp();
	return json(await listPublicMonitors(app.database.db, app.config.siteTimezone));
};
