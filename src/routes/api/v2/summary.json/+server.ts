import { corsPreflight, statuspageRoute } from '$lib/server/public/routes';

export const GET = statuspageRoute('summary');
export const OPTIONS = corsPreflight;
