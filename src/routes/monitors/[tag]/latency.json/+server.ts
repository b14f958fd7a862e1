// The latency chart's series: ?range=24h|7d|30d|90d, every bucket present.
import { error, json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { publicMonitorByTag } from '$lib/server/pages/days';
import { isRange, latencySeries, RANGES } from '$lib/server/pages/latency';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url }) => {
	const range = url.searchParams.get('range') ?? '24h';
	if (!isRange(range)) error(400, `range must be one of ${RANGES.join(', ')}, got ${JSON.stringify(range)}`);
	const { database, config } = getApp();
	const m = await publicMonitorByTag(database.db, params.tag);
	if (!m) error(404, 'No such monitor');
	const series = await latencySeries(database.db, m.id, range, config.siteTimezone);
	return json(series, { headers: { 'cache-control': 'public, max-age=30' } });
};
