import { historyData } from '$lib/server/notice-pages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const history = await historyData(locals.app, url.searchParams.get('page'));
	return { title: locals.app.config.siteTitle, history };
};
