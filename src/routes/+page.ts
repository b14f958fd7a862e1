// The home page reads the same JSON its live refresh polls. Loaded through
// SvelteKit's fetch, the server renders with it and inlines the body as one
// JSON script, which the browser's hydration reuses without a request: for
// 1,000 rows that costs JSON.stringify, where returning the same data from a
// server load cost devalue's per-value serialisation (~3x the time).
import { error } from '@sveltejs/kit';
import type { HomeData } from '$lib/types';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
	const r = await fetch('/home.json');
	if (!r.ok) error(r.status, r.status === 429 ? 'Too many requests' : 'Status data is unavailable');
	return (await r.json()) as HomeData;
};
