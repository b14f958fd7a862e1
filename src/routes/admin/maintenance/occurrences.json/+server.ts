import { json } from '@sveltejs/kit';
import { previewWindow } from '$lib/server/admin/maintenance';
import type { RequestHandler } from './$types';

// The maintenance form's "next five occurrences", asked while the admin types (admin-only: not in hooks/access.ts).
export const GET: RequestHandler = ({ url, locals }) => {
	const r = previewWindow(url.searchParams, locals.app.config.siteTimezone);
	return json(r, { status: r.ok ? 200 : 400 });
};
