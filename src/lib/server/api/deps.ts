// Wires the write helpers to the running app (routes stay one call each).
import { json } from '@sveltejs/kit';
import { checkNow, getApp } from '../app';
import type { ApiReply, CheckNow, WriteDeps } from './write';

export function writeDeps(): WriteDeps {
	const app = getApp();
	return { db: app.database.db, checkEval: app.eval.checkSyntax, changed: monitorsChanged };
}

/** After a save: the scheduler re-reads monitors now instead of within its poll interval. */
export function monitorsChanged(): void {
	void getApp().scheduler?.refresh();
}

/** Run-now on behalf of `caller` (runNowCaller: admin, API key or address), for its per-caller limit. */
export const runNowAs =
	(caller: string): CheckNow =>
	(hosts, source) =>
		checkNow(getApp(), hosts, source, caller);

export function reply(r: ApiReply): Response {
	return r.status === 204 ? new Response(null, { status: 204 }) : json(r.body, { status: r.status, headers: r.headers });
}
