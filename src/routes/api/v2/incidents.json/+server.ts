import { corsPreflight, publicRoute } from '$lib/server/public/reads';

export const GET = publicRoute('/api/v2/incidents.json');
export const OPTIONS = corsPreflight;
