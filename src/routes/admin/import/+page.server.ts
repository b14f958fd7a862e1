import { fail } from '@sveltejs/kit';
import { applyImport, planImport } from '$lib/server/admin/transfer';
import { errorLine } from '$lib/server/monitors/validate';
import { formString, readForm } from '$lib/server/admin/request';
import type { Actions } from './$types';

async function readText(fd: FormData): Promise<string> {
	const file = fd.get('file');
	if (file instanceof File && file.size > 0) return file.text();
	return formString(fd, 'json');
}

export const actions: Actions = {
	/** Step 1: validate and show create / update / unchanged per tag. Nothing is written. */
	preview: async ({ request, locals }) => {
		const text = await readText(await readForm(request));
		if (!text.trim()) return fail(400, { text, errors: ['Choose a file or paste the JSON'] });
		const plan = await planImport(locals.app.database.db, text, locals.app.eval.checkSyntax);
		if (!plan.ok) return fail(400, { text, errors: plan.errors.map(errorLine) });
		return { text, rows: plan.rows };
	},
	/** Step 2: apply exactly the previewed text (validated again); the scheduler is told. */
	apply: async ({ request, locals }) => {
		const text = formString(await readForm(request), 'json');
		const r = await applyImport(locals.app, text, locals.app.eval.checkSyntax);
		if (!r.ok) return fail(400, { text, errors: r.errors.map(errorLine) });
		const { created, updated, unchanged } = r.report;
		return { applied: { created: created.length, updated: updated.length, unchanged: unchanged.length } };
	}
};
