import { error } from '@sveltejs/kit';
import { historyData } from '$lib/server/notice-pages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const history = await historyData(locals.app, url.searchParams.get('page'));
	if (!history) error(404, 'No such page of the history');
	return { title: locals.app.config.siteTitle, history };
};
