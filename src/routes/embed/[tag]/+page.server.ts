import { error } from '@sveltejs/kit';
import { loadEmbed } from '$lib/server/public/embed';
import type { PageServerLoad } from './$types';

// No client JS: the widget is static HTML that reloads itself (meta refresh).
export const csr = false;

export const load: PageServerLoad = async ({ params, url, setHeaders, locals }) => {
	const theme = url.searchParams.get('theme');
	if (theme !== null && theme !== 'light' && theme !== 'dark' && theme !== 'auto') {
		error(400, 'theme must be light, dark or auto');
	}
	const { app } = locals;
	if (!app.snapshot.current()) error(503, 'Status is loading, try again in a moment');
	const data = await loadEmbed(app, params.tag);
	if (!data) error(404, 'Not found');
	setHeaders({ 'cache-control': `public, max-age=${app.config.badgeMaxAge}` });
	return { embed: data, origin: url.origin };
};
