import { fail } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { checkKeyInput, createApiKey, listApiKeys, revokeApiKey } from '$lib/server/auth/keys';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ keys: await listApiKeys(getApp().database.db) });

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const fd = await request.formData();
		const name = String(fd.get('name') ?? '');
		const scope = String(fd.get('scope') ?? '');
		const errors = checkKeyInput(name, scope);
		if (Object.keys(errors).length) return fail(400, { values: { name, scope }, errors });
		const { key } = await createApiKey(getApp().database.db, {
			name,
			scope: scope as 'read' | 'write',
			createdBy: locals.admin?.id ?? null
		});
		// Shown once: only its hash is kept.
		return { created: { name: name.trim(), scope, key } };
	},
	revoke: async ({ request }) => {
		const id = Number((await request.formData()).get('id'));
		if (!Number.isInteger(id) || !(await revokeApiKey(getApp().database.db, id))) {
			return fail(404, { message: 'No such live key' });
		}
		return { message: 'Key revoked: it stops working now' };
	}
};
