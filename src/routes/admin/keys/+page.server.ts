import { fail } from '@sveltejs/kit';
import { checkKeyInput, createApiKey, listApiKeys, parseKeyId, revokeApiKey } from '$lib/server/auth/keys';
import { formString, readForm } from '$lib/server/admin/request';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ keys: await listApiKeys(locals.app.database.db) });

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const fd = await readForm(request);
		const name = formString(fd, 'name');
		const scope = formString(fd, 'scope');
		const errors = checkKeyInput(name, scope);
		if (Object.keys(errors).length) return fail(400, { values: { name, scope }, errors });
		const { key } = await createApiKey(locals.app.database.db, {
			name,
			scope: scope as 'read' | 'write',
			createdBy: locals.admin?.id ?? null
		});
		// Shown once: only its hash is kept.
		return { created: { name: name.trim(), scope, key } };
	},
	revoke: async ({ request, locals }) => {
		const id = parseKeyId(formString(await readForm(request), 'id'));
		if (id === null) return fail(400, { message: 'id must be the number of a key' });
		if (!(await revokeApiKey(locals.app.database.db, id))) return fail(404, { message: 'No such live key' });
		return { message: 'Key revoked: it stops working now' };
	}
};
