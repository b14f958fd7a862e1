import { loadNewMaintenance, saveMaintenanceFromForm } from '$lib/server/admin/maintenance';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadNewMaintenance(locals.app);

export const actions: Actions = {
	save: ({ request, locals }) => saveMaintenanceFromForm(locals.app, request, null)
};
