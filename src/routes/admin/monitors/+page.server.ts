import { fail } from '@sveltejs/kit';
import { listAdminMonitors } from '$lib/server/db/queries/monitors';
import { deleteMonitor, setMonitorSwitch } from '$lib/server/monitors/service';
import { formString, readForm } from '$lib/server/admin/request';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	monitors: await listAdminMonitors(locals.app.database.db)
});

export const actions: Actions = {
	/** Flip "active" or "public" for one monitor (the service tells the scheduler). */
	toggle: async ({ request, locals }) => {
		const fd = await readForm(request);
		const tag = formString(fd, 'tag');
		const which = fd.get('which');
		if (which !== 'active' && which !== 'public') return fail(400, { message: 'which must be "active" or "public"' });
		const on = fd.get('on') === 'true';
		if (!(await setMonitorSwitch(locals.app, tag, which, on))) return fail(404, { message: `No monitor "${tag}"` });
		return { message: `${tag}: ${which === 'active' ? (on ? 'resumed' : 'paused') : on ? 'now public' : 'now hidden'}` };
	},
	/** Delete after the admin typed the tag again. */
	delete: async ({ request, locals }) => {
		const fd = await readForm(request);
		const tag = formString(fd, 'tag');
		if (formString(fd, 'confirm').trim() !== tag) {
			return fail(400, { message: `Type the tag "${tag}" to confirm deleting it`, deleting: tag });
		}
		if (!(await deleteMonitor(locals.app, tag))) return fail(404, { message: `No monitor "${tag}"` });
		return { message: `Deleted ${tag} and its history` };
	}
};
