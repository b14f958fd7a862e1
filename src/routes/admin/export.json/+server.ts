import { exportMonitors } from '$lib/server/admin/transfer';
import type { RequestHandler } from './$types';

/** Every monitor as one JSON file in the MONITORS_FILE format, as a download. */
export const GET: RequestHandler = async ({ locals }) => {
	const monitors = await exportMonitors(locals.app.database.db);
	const day = new Date().toISOString().slice(0, 10);
	return new Response(JSON.stringify(monitors, null, 2) + '\n', {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="porthole-monitors-${day}.json"`,
			'cache-control': 'private, no-store'
		}
	});
};
