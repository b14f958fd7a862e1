import { corsPreflight, publicRoute } from '$lib/server/public/reads';

export const GET = publicRoute('/api/v2/scheduled-maintenances/upcoming.json');
export const OPTIONS = corsPreflight;
