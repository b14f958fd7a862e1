import { getApp } from '$lib/server/app';
import { listPublicMonitors } from '$lib/server/api/monitors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const app = getApp();
	const { monitors } = await listPublicMonitors(app.database.db, app.config.siteTimezone);
	return { title: app.config.siteTitle, monitors };
};
