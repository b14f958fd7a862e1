// The home page's data as JSON: the page refreshes itself from this every 60 s
// without a reload (a failed fetch keeps the old data on screen and says so).
import { homeData } from '$lib/server/status-pages';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	const { database, config, notices } = locals.app;
	const body = JSON.stringify(
		await homeData(database.db, { title: config.siteTitle, timeZone: config.siteTimezone, notices: notices.current() })
	);
	// As json() answers, but Buffer.byteLength counts the 200 KB of 1,000 rows without encoding them a second time.
	return new Response(body, {
		headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' }
	});
};
