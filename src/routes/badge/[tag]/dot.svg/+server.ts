import { badgeRoute, corsPreflight } from '$lib/server/public/routes';

export const GET = badgeRoute('dot', 'svg');
export const OPTIONS = corsPreflight;
