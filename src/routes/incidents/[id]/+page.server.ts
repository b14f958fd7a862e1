import { error } from '@sveltejs/kit';
import { incidentPageData } from '$lib/server/notice-pages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const page = await incidentPageData(locals.app, params.id);
	if (!page) error(404, 'No such incident');
	return { title: locals.app.config.siteTitle, page };
};
