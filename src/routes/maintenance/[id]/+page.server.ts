import { error } from '@sveltejs/kit';
import { maintenancePageData } from '$lib/server/notice-pages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const page = await maintenancePageData(locals.app, params.id);
	if (!page) error(404, 'No such maintenance');
	return { title: locals.app.config.siteTitle, page };
};
