// The home page's data as JSON: the page refreshes itself from this every 60 s
// without a reload (a failed fetch keeps the old data on screen and says so).
import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { homeData } from '$lib/server/pages/home';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const { database, config } = getApp();
	const data = await homeData(database.db, { title: config.siteTitle, timeZone: config.siteTimezone });
	return json(data, { headers: { 'cache-control': 'no-store' } });
};
