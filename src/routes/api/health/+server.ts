import { json } from '@sveltejs/kit';
import { health, publicHealth } from '$lib/server/health';
import type { RequestHandler } from './$types';

/** Up or not for anyone; the counters and errors for an admin or a key (the guard identifies them, hooks/access.ts). */
export const GET: RequestHandler = async ({ locals }) => {
	const { code, body } = await health(locals.app);
	const full = !!locals.admin || !!locals.apiKey;
	return json(full ? body : publicHealth(body), { status: code, headers: { 'cache-control': 'no-store' } });
};
