import { badgeRoute, corsPreflight } from '$lib/server/public/routes';

export const GET = badgeRoute('status', 'svg');
export const OPTIONS = corsPreflight;
