// Per-day tooltip data for one bar (fetched on first hover or focus).
// Unknown and hidden monitors are 404, like their pages.
import { error, json } from '@sveltejs/kit';
import { monitorDays } from '$lib/server/status-pages';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => {
	const { database, config, notices } = locals.app;
	const body = await monitorDays(database.db, params.tag, config.siteTimezone, new Date(), notices.current());
	if (!body) error(404, 'No such monitor');
	// Past days change rarely and today changes every check: a short shared cache is honest enough.
	return json(body, { headers: { 'cache-control': 'public, max-age=30' } });
};
