import { loadEditor, runFromForm, saveFromForm } from '$lib/server/admin/editor';
import { runNowCaller } from '$lib/server/probe/run-now';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => loadEditor(null);

export const actions: Actions = {
	save: ({ request }) => saveFromForm(request, null),
	run: ({ request, locals, getClientAddress }) => runFromForm(request, runNowCaller(locals, getClientAddress))
};
