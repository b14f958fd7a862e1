import { listActionFromForm, loadMaintenanceList } from '$lib/server/admin/maintenance';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadMaintenanceList(locals.app);

export const actions: Actions = {
	end: ({ request, locals }) => listActionFromForm(locals.app, request, 'end'),
	delete: ({ request, locals }) => listActionFromForm(locals.app, request, 'delete')
};
