import { error, json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { getPublicMonitor } from '$lib/server/api/monitors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url }) => {
	const app = getApp();
	const raw = url.searchParams.get('limit');
	const limit = raw === null ? 60 : Number(raw);
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
		error(400, `limit must be a whole number 1-1000, got ${JSON.stringify(raw)}`);
	}
	const monitor = await getPublicMonitor(app.database.db, app.config.siteTimezone, params.tag, limit);
	if (!monitor) error(404, `no public monitor with tag ${JSON.stringify(params.tag)}`);
	return json(monitor);
};
