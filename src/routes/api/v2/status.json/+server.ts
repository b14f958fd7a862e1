import { corsPreflight, statuspageRoute } from '$lib/server/public/routes';

export const GET = statuspageRoute('status');
export const OPTIONS = corsPreflight;
