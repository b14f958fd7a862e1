// The glue every badge and public-JSON route file uses, so each
// +server.ts stays one line that names what it serves. server.js's fast
// path (public/fast.ts) calls the same two functions with the same inputs,
// so both ways of answering give the same bytes and headers.
import type { RequestHandler } from '@sveltejs/kit';
import { getApp, type App } from '../app';
import type { BadgeKind } from '../badge/options';
import { badgeReply } from './badges';
import { acceptsGzip, answer, prepare, preflight, toResponse, withEtag, type Plain } from './http';
import { cachedJson } from './statuspage';
import { cachedAnswer, keepAnswer } from './cache';

export interface PublicRequest {
	/** The URL's origin (the site's public URL: adapter-node's ORIGIN when set). */
	origin: string;
	searchParams: URLSearchParams;
	ifNoneMatch: string | null;
	acceptEncoding: string | null;
}

export function badgeAnswer(app: App, kind: BadgeKind, format: 'svg' | 'json', tag: string, q: PublicRequest) {
	return badgeReply({
		kind,
		format,
		tag,
		query: q.searchParams,
		ifNoneMatch: q.ifNoneMatch,
		acceptEncoding: q.acceptEncoding,
		snapshot: app.snapshot,
		maxAge: app.config.badgeMaxAge,
		siteTitle: app.config.siteTitle
	});
}

/** /api/v2/{status,summary}.json from the snapshot, cacheable and open to any origin. */
export function statuspageAnswer(app: App, kind: 'status' | 'summary', q: PublicRequest): Plain {
	const data = app.snapshot.current();
	if (!data) {
		const body = withEtag(JSON.stringify({ error: 'status not loaded yet' }), 'application/json; charset=utf-8');
		return answer(prepare(body, { status: 503, maxAge: 0, noStore: true }), null);
	}
	const { siteTitle: name, siteTimezone: timeZone, badgeMaxAge: maxAge } = app.config;
	const key = JSON.stringify(['statuspage', kind, q.origin, acceptsGzip(q.acceptEncoding), name, timeZone, maxAge]);
	const prepared =
		cachedAnswer(data, key) ??
		keepAnswer(data, key, prepare(cachedJson(kind, data, { url: q.origin, name, timeZone }), { maxAge, acceptEncoding: q.acceptEncoding }));
	return answer(prepared, q.ifNoneMatch);
}

function publicRequest(url: URL, request: Request): PublicRequest {
	return {
		origin: url.origin,
		searchParams: url.searchParams,
		ifNoneMatch: request.headers.get('if-none-match'),
		acceptEncoding: request.headers.get('accept-encoding')
	};
}

export function badgeRoute(kind: BadgeKind, format: 'svg' | 'json'): RequestHandler {
	return async ({ params, url, request }) =>
		toResponse(await badgeAnswer(getApp(), kind, format, params.tag ?? '', publicRequest(url, request)));
}

export const corsPreflight: RequestHandler = () => preflight();

export function statuspageRoute(kind: 'status' | 'summary'): RequestHandler {
	return ({ url, request }) => toResponse(statuspageAnswer(getApp(), kind, publicRequest(url, request)));
}
