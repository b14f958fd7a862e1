import { loadIncidentList } from '$lib/server/admin/incidents';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => loadIncidentList(locals.app);
