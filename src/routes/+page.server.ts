import { getApp } from '$lib/server/app';
import { homeData } from '$lib/server/pages/home';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { database, config } = getApp();
	return homeData(database.db, { title: config.siteTitle, timeZone: config.siteTimezone });
};
