import { corsPreflight, publicRoute } from '$lib/server/public/reads';

export const GET = publicRoute('/badge/[tag]/[file=badge]');
export const OPTIONS = corsPreflight;
