import { loadEditor, runFromForm, saveFromForm } from '$lib/server/admin/editor';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => loadEditor(null);

export const actions: Actions = {
	save: ({ request }) => saveFromForm(request, null),
	run: ({ request }) => runFromForm(request)
};
