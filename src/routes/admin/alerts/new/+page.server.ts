import { loadNewChannel, saveChannelFromForm } from '$lib/server/admin/channels';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => loadNewChannel();

export const actions: Actions = {
	save: ({ request, locals }) => saveChannelFromForm(locals.app, request, null)
};
