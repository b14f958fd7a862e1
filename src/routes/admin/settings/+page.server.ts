import { fail } from '@sveltejs/kit';
import { changePassword, createAdmin, listAdmins } from '$lib/server/auth/admins';
import { deleteOtherSessions } from '$lib/server/auth/sessions';
import { formString, readForm } from '$lib/server/admin/request';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ admins: await listAdmins(locals.app.database.db) });

export const actions: Actions = {
	/** Another admin: only signed-in admins can add one (no public sign-up). */
	addAdmin: async ({ request, locals }) => {
		const fd = await readForm(request);
		const values = { email: formString(fd, 'email'), name: formString(fd, 'name') };
		const r = await createAdmin(locals.app.database.db, { ...values, password: formString(fd, 'password') });
		if (!r.ok) return fail(400, { form: 'addAdmin' as const, values, errors: r.errors });
		return { form: 'addAdmin' as const, message: `Added ${values.email.trim().toLowerCase()}` };
	},
	/** Own password; other sessions of this admin end. */
	password: async ({ request, locals }) => {
		const fd = await readForm(request);
		const db = locals.app.database.db;
		const r = await changePassword(db, locals.admin!.id, formString(fd, 'current'), formString(fd, 'password'), formString(fd, 'confirm'));
		if (!r.ok) return fail(400, { form: 'password' as const, errors: r.errors });
		if (locals.sessionToken) await deleteOtherSessions(db, locals.admin!.id, locals.sessionToken);
		return { form: 'password' as const, message: 'Password changed; your other sessions were signed out' };
	}
};
