import { feedResponse } from '$lib/server/notice-pages';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, url, request }) => feedResponse(locals.app, url.origin, request.headers.get('if-none-match'));
