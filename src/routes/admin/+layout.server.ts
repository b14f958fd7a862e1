import type { LayoutServerLoad } from './$types';

// The guard hook already decided who may see this; the layout only shows who is signed in.
export const load: LayoutServerLoad = ({ locals }) => ({
	admin: locals.admin ? { email: locals.admin.email, name: locals.admin.name } : null
});
