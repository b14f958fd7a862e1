import { loadEditor, runFromForm, saveFromForm } from '$lib/server/admin/editor';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => loadEditor(params.tag);

export const actions: Actions = {
	save: ({ request, params }) => saveFromForm(request, params.tag),
	run: ({ request }) => runFromForm(request)
};
