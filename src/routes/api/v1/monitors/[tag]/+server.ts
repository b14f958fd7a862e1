import { error, json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { getPublicMonitor } from '$lib/server/api/monitors';
import { readJson, removeMonitor, replaceMonitor, updateMonitor } from '$lib/server/api/write';
import { reply, writeDeps } from '$lib/server/api/deps';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, url }) => {
	const app = getApp();
	const raw = url.searchParams.get('limit');
	const limit = raw === null ? 60 : Number(raw);
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
		error(400, `limit must be a whole number 1-1000, got ${JSON.stringify(raw)}`);
	}
	const monitor = await getPublicMonitor(app.database.db, app.config.siteTimezone, params.tag, limit);
	if (!monitor) error(404, `no public monitor with tag ${JSON.stringify(params.tag)}`);
	return json(monitor);
};

/** Replace (or create) the monitor at this tag; a different tag in the body renames it. */
export const PUT: RequestHandler = async ({ params, request }) => {
	const body = await readJson(request);
	return reply(body.ok ? await replaceMonitor(writeDeps(), params.tag, body.body) : body.reply);
};

/** Change some fields of the monitor. */
export const PATCH: RequestHandler = async ({ params, request }) => {
	const body = await readJson(request);
	return reply(body.ok ? await updateMonitor(writeDeps(), params.tag, body.body) : body.reply);
};

export const DELETE: RequestHandler = async ({ params }) => reply(await removeMonitor(writeDeps(), params.tag));
