import { loadEditor, runFromForm, saveFromForm } from '$lib/server/admin/editor';
import { runNowCaller } from '$lib/server/probe/run-now';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params, locals }) => loadEditor(locals.app, params.tag);

export const actions: Actions = {
	save: ({ request, params, locals }) => saveFromForm(locals.app, request, params.tag),
	run: ({ request, locals, getClientAddress }) => runFromForm(locals.app, request, runNowCaller(locals, getClientAddress))
};
