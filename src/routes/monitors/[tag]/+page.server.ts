import { error } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { monitorPage } from '$lib/server/pages/monitor';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const { database, config } = getApp();
	const page = await monitorPage(database.db, {
		tag: params.tag,
		timeZone: config.siteTimezone,
		older: url.searchParams.get('older'),
		range: url.searchParams.get('range')
	});
	// Unknown and non-public monitors look the same: a real 404.
	if (!page) error(404, 'No such monitor');
	return { title: config.siteTitle, page };
};
