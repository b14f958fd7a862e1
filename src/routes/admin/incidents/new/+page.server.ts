import { createIncidentFromForm, loadNewIncident } from '$lib/server/admin/incidents';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadNewIncident(locals.app);

export const actions: Actions = {
	create: ({ request, locals }) => createIncidentFromForm(locals.app, request, locals.admin)
};
