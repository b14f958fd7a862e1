import { fail, redirect } from '@sveltejs/kit';
import { login, safeNext } from '$lib/server/admin/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.admin) redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress, setHeaders }) => {
		const fd = await request.formData();
		const email = String(fd.get('email') ?? '');
		const r = await login(
			{ email, password: String(fd.get('password') ?? ''), address: getClientAddress(), secure: url.protocol === 'https:' },
			cookies
		);
		if (!r.ok) {
			if (r.retryAfterS) setHeaders({ 'retry-after': String(r.retryAfterS) });
			return fail(r.status, { email, message: r.message });
		}
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
