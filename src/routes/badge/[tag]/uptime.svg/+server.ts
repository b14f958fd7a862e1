import { badgeRoute, corsPreflight } from '$lib/server/public/routes';

export const GET = badgeRoute('uptime', 'svg');
export const OPTIONS = corsPreflight;
