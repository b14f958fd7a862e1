// The public reads (badges, Statuspage JSON): one table from SvelteKit route
// id to the one function that answers it. Both doors use it: the route files
// (src/routes/badge/[tag]/[file=badge], src/routes/api/v2/*) through
// publicRoute, and server.js's fast path (public/fast.ts) through
// matchPublicRead, so an answer is made by the same function with the same
// inputs whichever way the request came. Who may read, and whether the rate
// limit counts it, is the access policy's (hooks/access.ts), on the same
// route id either way.
import type { RequestHandler } from '@sveltejs/kit';
import { BADGE_FILES, type BadgeFile } from '../../badge-files';
import { match as badgeMatcher } from '../../../params/badge';
import type { BadgeKind } from '../badge/options';
import type { Config } from '../config';
import type { StatusSnapshot } from '../snapshot';
import { badgeReply } from './badges';
import { answerOnce, cachedAnswer } from './cache';
import { preflight, toResponse, withEtag, type Plain } from './http';
import { statuspageBody, type StatuspageKind } from './statuspage';
import type { Notices } from '../notices/cache';
import { noticesPhase } from './notices-phase';

/** What the public reads need of the app (the App of event.locals is one). */
export interface PublicApp {
	config: Config;
	snapshot: Pick<StatusSnapshot, 'current' | 'percentile'>;
	/** Incidents and maintenance as visitors may see them (Statuspage JSON). */
	notices: Pick<Notices, 'current'>;
}

export interface PublicRequest {
	/** The URL's origin (the site's public URL: adapter-node's ORIGIN when set). */
	origin: string;
	searchParams: URLSearchParams;
	ifNoneMatch: string | null;
	acceptEncoding: string | null;
}

/** Route parameters as the router gives them (decoded). */
export type Params = Record<string, string>;

export type Answer = (app: PublicApp, params: Params, q: PublicRequest) => Plain | Promise<Plain>;

export const PUBLIC_READS = {
	'/badge/[tag]/[file=badge]': (app, params, q) => {
		const { kind, format } = BADGE_FILES[params.file as BadgeFile];
		return badgeAnswer(app, kind, format, params.tag, q);
	},
	'/api/v2/status.json': (app, _params, q) => statuspageAnswer(app, 'status', q),
	'/api/v2/summary.json': (app, _params, q) => statuspageAnswer(app, 'summary', q),
	'/api/v2/incidents.json': (app, _params, q) => statuspageAnswer(app, 'incidents', q),
	'/api/v2/incidents/unresolved.json': (app, _params, q) => statuspageAnswer(app, 'incidents/unresolved', q),
	'/api/v2/scheduled-maintenances.json': (app, _params, q) => statuspageAnswer(app, 'scheduled-maintenances', q),
	'/api/v2/scheduled-maintenances/upcoming.json': (app, _params, q) => statuspageAnswer(app, 'scheduled-maintenances/upcoming', q),
	'/api/v2/scheduled-maintenances/active.json': (app, _params, q) => statuspageAnswer(app, 'scheduled-maintenances/active', q)
} satisfies Record<string, Answer>;

export type PublicReadId = keyof typeof PUBLIC_READS;

export function badgeAnswer(app: PublicApp, kind: BadgeKind, format: 'svg' | 'json', tag: string, q: PublicRequest) {
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

/**
 * /api/v2's Statuspage documents from the snapshot and the notices, cacheable
 * and open to any origin. Kept per snapshot (cache.ts) and keyed on the
 * notices' phase: a new incident or a window that starts is a new answer.
 */
export function statuspageAnswer(app: PublicApp, kind: StatuspageKind, q: PublicRequest, now = new Date()): Plain {
	const data = app.snapshot.current();
	if (!data) {
		const body = withEtag(JSON.stringify({ error: 'status not loaded yet' }), 'application/json; charset=utf-8');
		return answerOnce({ body, status: 503, maxAge: 0, noStore: true }, { acceptEncoding: null, ifNoneMatch: null });
	}
	const { siteTitle: name, siteTimezone: timeZone, badgeMaxAge: maxAge } = app.config;
	const notices = app.notices.current();
	const key = JSON.stringify(['statuspage', kind, q.origin, name, timeZone, maxAge, noticesPhase(notices, now)]);
	const render = () => ({ body: statuspageBody(kind, data, { url: q.origin, name, timeZone }, { ...notices, now }), maxAge });
	return cachedAnswer(data, key, render, q);
}

/** The param matchers (src/params) the table's route ids use. */
const MATCHERS: Record<string, (param: string) => boolean> = { badge: badgeMatcher };

/**
 * Each route id as a pattern over the raw path, as SvelteKit's router reads
 * it: a `[name]` or `[name=matcher]` segment is one non-empty segment. A
 * segment with % escapes is left to SvelteKit's decoding (no match here).
 */
const PATTERNS = (Object.keys(PUBLIC_READS) as PublicReadId[]).map((routeId) => {
	const names: [string, string | undefined][] = [];
	const source = routeId
		.split('/')
		.map((segment) => {
			const param = /^\[(\w+)(?:=(\w+))?\]$/.exec(segment);
			if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			names.push([param[1], param[2]]);
			return '([^/%]+)';
		})
		.join('/');
	return { routeId, names, re: new RegExp(`^${source}$`) };
});

export interface PublicRead {
	routeId: PublicReadId;
	params: Params;
}

/** The public read SvelteKit's router would pick for a path, with its params; null for any other path. */
export function matchPublicRead(pathname: string): PublicRead | null {
	for (const { routeId, names, re } of PATTERNS) {
		const m = re.exec(pathname);
		// A param its matcher refuses makes the route not match, as in SvelteKit.
		if (!m || names.some(([, matcher], i) => matcher && !MATCHERS[matcher](m[i + 1]))) continue;
		return { routeId, params: Object.fromEntries(names.map(([name], i) => [name, m[i + 1]])) };
	}
	return null;
}

function publicRequest(url: URL, request: Request): PublicRequest {
	return {
		origin: url.origin,
		searchParams: url.searchParams,
		ifNoneMatch: request.headers.get('if-none-match'),
		acceptEncoding: request.headers.get('accept-encoding')
	};
}

/** The GET of a route file: the table's answer, for the app of this request. */
export function publicRoute(routeId: PublicReadId): RequestHandler {
	const answer: Answer = PUBLIC_READS[routeId];
	return async ({ params, url, request, locals }) => toResponse(await answer(locals.app, params as Params, publicRequest(url, request)));
}

export const corsPreflight: RequestHandler = () => preflight();
