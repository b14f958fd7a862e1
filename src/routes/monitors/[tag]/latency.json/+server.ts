// The latency chart's series: ?range=24h|7d|30d|90d, every bucket present.
import { error, json } from '@sveltejs/kit';
import { publicLatencySeries } from '$lib/server/status-pages';
import { isRange, RANGES } from '$lib/server/pages/latency';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url, locals }) => {
	const range = url.searchParams.get('range') ?? '24h';
	if (!isRange(range)) error(400, `range must be one of ${RANGES.join(', ')}, got ${JSON.stringify(range)}`);
	const { database, config } = locals.app;
	const series = await publicLatencySeries(database.db, params.tag, range, config.siteTimezone);
	if (!series) error(404, 'No such monitor');
	return json(series, { headers: { 'cache-control': 'public, max-age=30' } });
};
