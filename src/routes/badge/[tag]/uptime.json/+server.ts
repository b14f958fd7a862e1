import { badgeRoute, corsPreflight } from '$lib/server/public/routes';

export const GET = badgeRoute('uptime', 'json');
export const OPTIONS = corsPreflight;
