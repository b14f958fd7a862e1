import { json } from '@sveltejs/kit';
import { CORS_HEADERS } from '$lib/server/public/http';
import { snippets } from '$lib/server/public/snippets';
import type { RequestHandler } from './$types';

/** Copy-paste code for embedding one public monitor; the same 404 for unknown and hidden tags. */
export const GET: RequestHandler = ({ params, url, locals }) => {
	const m = locals.app.snapshot.current()?.byTag.get(params.tag);
	if (!m) return json({ error: 'not found' }, { status: 404, headers: { ...CORS_HEADERS, 'cache-control': 'no-store' } });
	return json(snippets(url.origin, m.tag, m.name), { headers: { ...CORS_HEADERS, 'cache-control': 'no-store' } });
};
