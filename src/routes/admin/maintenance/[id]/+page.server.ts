import {
	cancelOccurrenceFromForm,
	deleteMaintenanceFromForm,
	endMaintenanceFromForm,
	loadMaintenance,
	saveMaintenanceFromForm
} from '$lib/server/admin/maintenance';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => loadMaintenance(locals.app, params.id);

export const actions: Actions = {
	save: ({ request, locals, params }) => saveMaintenanceFromForm(locals.app, request, params.id),
	cancel: ({ request, locals, params }) => cancelOccurrenceFromForm(locals.app, params.id, request),
	end: ({ locals, params }) => endMaintenanceFromForm(locals.app, params.id),
	delete: ({ locals, params }) => deleteMaintenanceFromForm(locals.app, params.id, '/admin/maintenance?deleted=1')
};
