import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { health } from '$lib/server/health';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const { code, body } = await health(getApp());
	return json(body, { status: code, headers: { 'cache-control': 'no-store' } });
};
