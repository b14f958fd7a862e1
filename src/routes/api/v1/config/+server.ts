import { json } from '@sveltejs/kit';
import { exportMonitors } from '$lib/server/admin/transfer';
import type { RequestHandler } from './$types';

/** Every monitor, hosts and eval included, in the MONITORS_FILE format (read key; the guard checked it). */
export const GET: RequestHandler = async ({ locals }) =>
	json(await exportMonitors(locals.app.database.db), { headers: { 'cache-control': 'private, no-store' } });
