import { error } from '@sveltejs/kit';
import { monitorPage } from '$lib/server/status-pages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, locals }) => {
	const { database, config, notices } = locals.app;
	const page = await monitorPage(database.db, {
		tag: params.tag,
		timeZone: config.siteTimezone,
		older: url.searchParams.get('older'),
		range: url.searchParams.get('range'),
		notices: notices.current()
	});
	// Unknown and non-public monitors look the same: a real 404.
	if (!page) error(404, 'No such monitor');
	return { title: config.siteTitle, page };
};
