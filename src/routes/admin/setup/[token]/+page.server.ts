import { fail, redirect } from '@sveltejs/kit';
import { setupTokenUsable } from '$lib/server/auth/setup';
import { setupFirstAdmin } from '$lib/server/admin/session';
import { formString, readForm } from '$lib/server/admin/request';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	// The token is in the URL: never send it to another site as a referrer. Not
	// "no-referrer": Chromium then posts forms with "Origin: null", which
	// SvelteKit's CSRF check (rightly) refuses.
	setHeaders({ 'referrer-policy': 'same-origin', 'cache-control': 'no-store' });
	return { usable: await setupTokenUsable(locals.app.database.db, params.token) };
};

export const actions: Actions = {
	default: async ({ params, request, cookies, url, locals }) => {
		const fd = await readForm(request);
		const values = { email: formString(fd, 'email'), name: formString(fd, 'name') };
		const r = await setupFirstAdmin(
			locals.app,
			params.token,
			{ ...values, password: formString(fd, 'password'), confirm: formString(fd, 'confirm'), secure: url.protocol === 'https:' },
			cookies
		);
		if (r.ok) redirect(303, '/admin/monitors');
		if (r.gone) {
			const message = 'This setup link was used already or is not valid: sign in, or ask an admin';
			return fail(410, { values, gone: true, message, errors: {} as Record<string, string> });
		}
		return fail(400, { values, gone: false, errors: r.errors });
	}
};
