import { fail } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { deleteMonitor, listAdminMonitors, setMonitorSwitch } from '$lib/server/admin/monitors';
import { monitorsChanged } from '$lib/server/api/deps';
import { formString, readForm } from '$lib/server/admin/request';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
	monitors: await listAdminMonitors(getApp().database.db)
});

export const actions: Actions = {
	/** Flip "active" or "public" for one monitor. */
	toggle: async ({ request }) => {
		const fd = await readForm(request);
		const tag = formString(fd, 'tag');
		const which = fd.get('which');
		if (which !== 'active' && which !== 'public') return fail(400, { message: 'which must be "active" or "public"' });
		const on = fd.get('on') === 'true';
		if (!(await setMonitorSwitch(getApp().database.db, tag, which, on))) return fail(404, { message: `No monitor "${tag}"` });
		monitorsChanged();
		return { message: `${tag}: ${which === 'active' ? (on ? 'resumed' : 'paused') : on ? 'now public' : 'now hidden'}` };
	},
	/** Delete after the admin typed the tag again. */
	delete: async ({ request }) => {
		const fd = await readForm(request);
		const tag = formString(fd, 'tag');
		if (formString(fd, 'confirm').trim() !== tag) {
			return fail(400, { message: `Type the tag "${tag}" to confirm deleting it`, deleting: tag });
		}
		if (!(await deleteMonitor(getApp().database.db, tag))) return fail(404, { message: `No monitor "${tag}"` });
		monitorsChanged();
		return { message: `Deleted ${tag} and its history` };
	}
};
