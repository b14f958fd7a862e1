import { corsPreflight, publicRoute } from '$lib/server/public/reads';

export const GET = publicRoute('/api/v2/status.json');
export const OPTIONS = corsPreflight;
