import { loadEditor, runFromForm, saveFromForm } from '$lib/server/admin/editor';
import { runNowCaller } from '$lib/server/probe/run-now';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => loadEditor(params.tag);

export const actions: Actions = {
	save: ({ request, params }) => saveFromForm(request, params.tag),
	run: ({ request, locals, getClientAddress }) => runFromForm(request, runNowCaller(locals, getClientAddress))
};
