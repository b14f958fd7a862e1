import { fail } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { changePassword, createAdmin, listAdmins } from '$lib/server/auth/admins';
import { deleteOtherSessions } from '$lib/server/auth/sessions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ admins: await listAdmins(getApp().database.db) });

export const actions: Actions = {
	/** Another admin: only signed-in admins can add one (no public sign-up). */
	addAdmin: async ({ request }) => {
		const fd = await request.formData();
		const values = { email: String(fd.get('email') ?? ''), name: String(fd.get('name') ?? '') };
		const r = await createAdmin(getApp().database.db, { ...values, password: String(fd.get('password') ?? '') });
		if (!r.ok) return fail(400, { form: 'addAdmin' as const, values, errors: r.errors });
		return { form: 'addAdmin' as const, message: `Added ${values.email.trim().toLowerCase()}` };
	},
	/** Own password; other sessions of this admin end. */
	password: async ({ request, locals }) => {
		const fd = await request.formData();
		const db = getApp().database.db;
		const r = await changePassword(
			db,
			locals.admin!.id,
			String(fd.get('current') ?? ''),
			String(fd.get('password') ?? ''),
			String(fd.get('confirm') ?? '')
		);
		if (!r.ok) return fail(400, { form: 'password' as const, errors: r.errors });
		if (locals.sessionToken) await deleteOtherSessions(db, locals.admin!.id, locals.sessionToken);
		return { form: 'password' as const, message: 'Password changed; your other sessions were signed out' };
	}
};
