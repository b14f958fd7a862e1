import { badgeRoute, corsPreflight } from '$lib/server/public/routes';

export const GET = badgeRoute('status', 'json');
export const OPTIONS = corsPreflight;
