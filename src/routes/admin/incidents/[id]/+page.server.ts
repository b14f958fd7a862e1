import {
	deleteIncidentFromForm,
	deleteUpdateFromForm,
	editIncidentFromForm,
	editUpdateFromForm,
	loadIncident,
	postUpdateFromForm,
	resolveFromForm
} from '$lib/server/admin/incidents';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => loadIncident(locals.app, params.id);

export const actions: Actions = {
	update: ({ request, locals, params }) => postUpdateFromForm(locals.app, params.id, request, locals.admin),
	resolve: ({ request, locals, params }) => resolveFromForm(locals.app, params.id, request, locals.admin),
	editUpdate: ({ request, locals, params }) => editUpdateFromForm(locals.app, params.id, request),
	deleteUpdate: ({ request, locals, params }) => deleteUpdateFromForm(locals.app, params.id, request),
	edit: ({ request, locals, params }) => editIncidentFromForm(locals.app, params.id, request),
	delete: ({ locals, params }) => deleteIncidentFromForm(locals.app, params.id)
};
