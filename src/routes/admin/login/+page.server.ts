import { fail, redirect } from '@sveltejs/kit';
import { countAdmins } from '$lib/server/auth/admins';
import { login, safeNext } from '$lib/server/admin/session';
import { formString, readForm } from '$lib/server/admin/request';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.admin) redirect(303, safeNext(url.searchParams.get('next')));
	// Says only what the server log already says to whoever runs it: no admin yet.
	return { noAdmin: (await countAdmins(locals.app.database.db)) === 0 };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals, getClientAddress, setHeaders }) => {
		const fd = await readForm(request);
		const email = formString(fd, 'email');
		const r = await login(
			locals.app,
			{ email, password: formString(fd, 'password'), address: getClientAddress(), secure: url.protocol === 'https:' },
			cookies
		);
		if (!r.ok) {
			if (r.retryAfterS) setHeaders({ 'retry-after': String(r.retryAfterS) });
			return fail(r.status, { email, message: r.message });
		}
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
