import { badgeRoute, corsPreflight } from '$lib/server/public/routes';

export const GET = badgeRoute('latency', 'json');
export const OPTIONS = corsPreflight;
