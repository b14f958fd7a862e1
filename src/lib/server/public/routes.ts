// The glue every badge and public-JSON route file uses, so each
// +server.ts stays one line that names what it serves.
import type { RequestHandler } from '@sveltejs/kit';
import { getApp } from '../app';
import type { BadgeKind } from '../badge/options';
import { badgeResponse } from './badges';
import { preflight, send, withEtag } from './http';
import { cachedJson } from './statuspage';

export function badgeRoute(kind: BadgeKind, format: 'svg' | 'json'): RequestHandler {
	return ({ params, url, request }) => {
		const app = getApp();
		return badgeResponse({
			kind,
			format,
			tag: params.tag ?? '',
			query: url.searchParams,
			ifNoneMatch: request.headers.get('if-none-match'),
			acceptEncoding: request.headers.get('accept-encoding'),
			snapshot: app.snapshot,
			maxAge: app.config.badgeMaxAge,
			siteTitle: app.config.siteTitle
		});
	};
}

export const corsPreflight: RequestHandler = () => preflight();

/** /api/v2/{status,summary}.json from the snapshot, cacheable and open to any origin. */
export function statuspageRoute(kind: 'status' | 'summary'): RequestHandler {
	return ({ url, request }) => {
		const app = getApp();
		const data = app.snapshot.current();
		if (!data) {
			return send(withEtag(JSON.stringify({ error: 'status not loaded yet' }), 'application/json; charset=utf-8'), {
				status: 503,
				maxAge: 0,
				noStore: true,
				ifNoneMatch: null
			});
		}
		const body = cachedJson(kind, data, {
			url: url.origin,
			name: app.config.siteTitle,
			timeZone: app.config.siteTimezone
		});
		return send(body, {
			maxAge: app.config.badgeMaxAge,
			ifNoneMatch: request.headers.get('if-none-match'),
			acceptEncoding: request.headers.get('accept-encoding')
		});
	};
}
