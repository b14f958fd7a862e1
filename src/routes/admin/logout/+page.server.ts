import { redirect } from '@sveltejs/kit';
import { logout } from '$lib/server/admin/session';
import type { Actions, PageServerLoad } from './$types';

// Signing out is a POST (a link or prefetch must never end a session).
export const load: PageServerLoad = () => redirect(303, '/admin/monitors');

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		await logout(locals.app, locals.sessionToken, cookies);
		redirect(303, '/admin/login');
	}
};
