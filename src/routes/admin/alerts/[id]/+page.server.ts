import { loadChannel, saveChannelFromForm } from '$lib/server/admin/channels';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => loadChannel(locals.app, params.id);

export const actions: Actions = {
	save: ({ request, locals, params }) => saveChannelFromForm(locals.app, request, params.id)
};
