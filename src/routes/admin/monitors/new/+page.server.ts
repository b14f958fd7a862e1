import { loadEditor, runFromForm, saveFromForm } from '$lib/server/admin/editor';
import { runNowCaller } from '$lib/server/probe/run-now';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadEditor(locals.app, null);

export const actions: Actions = {
	save: ({ request, locals }) => saveFromForm(locals.app, request, null),
	run: ({ request, locals, getClientAddress }) => runFromForm(locals.app, request, runNowCaller(locals, getClientAddress))
};
