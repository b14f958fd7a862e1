import { badgeRoute, corsPreflight } from '$lib/server/public/routes';

export const GET = badgeRoute('latency', 'svg');
export const OPTIONS = corsPreflight;
