import { deleteChannelFromForm, loadChannelsPage, testChannelFromForm } from '$lib/server/admin/channels';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => loadChannelsPage(locals.app, url);

export const actions: Actions = {
	test: ({ request, locals }) => testChannelFromForm(locals.app, request),
	delete: ({ request, locals }) => deleteChannelFromForm(locals.app, request)
};
