// server.js's fast path: badges and the Statuspage JSON answered straight on
// node:http. Through SvelteKit every request builds a Request, an
// AbortSignal, a Response with a ReadableStream body and runs the hook
// sequence, which caps these reads at a few thousand a second on a small
// machine (bench/badges.ts measures it); here a repeated read is a Map lookup
// and one socket write. It calls what the routes and hooks call, with the
// same inputs, so the answer is the same:
// - the URL is built as adapter-node builds it (ORIGIN + request target);
// - the rate limit is the same limiter (hooks/ratelimit.ts), keyed by the same
//   client address (TRUSTED_PROXY_HEADER, else adapter-node's ADDRESS_HEADER
//   and XFF_DEPTH, else the socket);
// - the answer is badgeAnswer / statuspageAnswer (public/routes.ts);
// - the security headers come from withSecurityHeaders (hooks/security.ts).
// Everything else goes on to SvelteKit untouched: other paths and methods,
// odd request targets, no ORIGIN configured, and any error.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app';
import type { BadgeKind } from '../badge/options';
import { routePolicy } from '../hooks/access';
import { rateLimitRefusal } from '../hooks/ratelimit';
import { withSecurityHeaders } from '../hooks/security';
import { clientKey } from '../ratelimit';
import type { Plain } from './http';
import { badgeAnswer, statuspageAnswer, type PublicRequest } from './routes';

/**
 * Exactly the badge and Statuspage routes (src/routes/badge/[tag]/*,
 * src/routes/api/v2/*; fast.test.ts compares with the route folders). A tag
 * with % escapes is left to SvelteKit's decoding.
 */
const BADGE = /^\/badge\/([^/%]+)\/(?:(status|uptime|latency)\.(svg|json)|(dot)\.(svg))$/;
const STATUSPAGE = /^\/api\/v2\/(status|summary)\.json$/;

/** What server.js's fast path reads from a path, with the route id SvelteKit's router would give it. */
export type PublicRead = { routeId: string } & (
	| { route: 'badge'; tag: string; kind: BadgeKind; format: 'svg' | 'json' }
	| { route: 'statuspage'; kind: 'status' | 'summary' }
);

export function matchPublicRead(pathname: string): PublicRead | null {
	const b = BADGE.exec(pathname);
	if (b) {
		const kind = (b[2] ?? b[4]) as BadgeKind;
		const format = (b[3] ?? b[5]) as 'svg' | 'json';
		return { routeId: `/badge/[tag]/${kind}.${format}`, route: 'badge', tag: b[1], kind, format };
	}
	const s = STATUSPAGE.exec(pathname);
	if (s) return { routeId: `/api/v2/${s[1]}.json`, route: 'statuspage', kind: s[1] as 'status' | 'summary' };
	return null;
}

/**
 * A GET or HEAD of a route the access policy (hooks/access.ts) marks as a
 * public read: the admin guard does nothing for it (open routes never read
 * the session), so server.js may answer it. Judged on the route id, as the
 * guard judges.
 */
export function isPublicRead(routeId: string | null, method: string | undefined): boolean {
	if (method !== 'GET' && method !== 'HEAD') return false;
	const policy = routePolicy(routeId);
	return !!policy.publicRead && policy.read === 'public';
}

/**
 * adapter-node's getClientAddress (its handler.js), for a request that never
 * reaches SvelteKit. Throws where adapter-node throws; clientKey then counts
 * the request as 'unknown', as it does for SvelteKit.
 */
export function adapterClientAddress(
	headers: IncomingHttpHeaders,
	socketAddress: string | undefined,
	addressHeader: string | undefined,
	xffDepth: number
): string {
	if (!addressHeader) return socketAddress ?? '';
	if (!(addressHeader in headers)) {
		throw new Error(`Address header was specified with ADDRESS_HEADER=${addressHeader} but is absent from request`);
	}
	const value = (headers[addressHeader] as string) || '';
	if (addressHeader !== 'x-forwarded-for') return value;
	const addresses = value.split(',');
	if (xffDepth > addresses.length) throw new Error(`XFF_DEPTH is ${xffDepth}, but only found ${addresses.length} addresses`);
	return addresses[addresses.length - xffDepth].trim();
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
	const v = headers[name];
	return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Final headers per answer. Answers are kept per snapshot (public/cache.ts),
 * so this is built once per answer. It may ignore the path: the security
 * headers differ only for the embed widget, which is never a public read.
 */
const finalHeaders = new WeakMap<Plain, Record<string, string>>();

function write(res: ServerResponse, p: Plain, frameable: boolean | undefined) {
	let h = finalHeaders.get(p);
	if (!h) {
		const all = withSecurityHeaders(p.headers, frameable === true);
		if (p.body) all['content-length'] = String(p.body.byteLength);
		// In name order, as SvelteKit's Headers list them.
		h = Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1)));
		finalHeaders.set(p, h);
	}
	res.writeHead(p.status, h);
	// Node leaves the body out of a HEAD response itself.
	res.end(p.body ?? undefined);
}

export type PublicReads = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The request listener's front: answers a public read, or calls `next` (SvelteKit) for anything else. */
export function publicReads(app: App): PublicReads {
	// adapter-node's base for request URLs: ORIGIN's origin. Without ORIGIN it
	// derives one from the Host header per request; those requests go to SvelteKit.
	const origin = app.config.origin ? new URL(app.config.origin).origin : null;
	const { config } = app;
	return (req, res, next) => {
		const target = req.url;
		if (!origin || !target || (!target.startsWith('/badge/') && !target.startsWith('/api/v2/'))) return next();
		try {
			const url = new URL(origin + target);
			const read = matchPublicRead(url.pathname);
			if (!read || !isPublicRead(read.routeId, req.method)) return next();
			const policy = routePolicy(read.routeId);
			const refusal = rateLimitRefusal(config, policy.rateLimited, () =>
				clientKey(
					{ get: (name) => header(req.headers, name) },
					() => adapterClientAddress(req.headers, req.socket.remoteAddress, config.addressHeader, config.xffDepth),
					config.trustedProxyHeader
				)
			);
			if (refusal) return write(res, refusal, policy.frameable);
			const q: PublicRequest = {
				origin: url.origin,
				searchParams: url.searchParams,
				ifNoneMatch: header(req.headers, 'if-none-match'),
				acceptEncoding: header(req.headers, 'accept-encoding')
			};
			if (read.route === 'statuspage') return write(res, statuspageAnswer(app, read.kind, q), policy.frameable);
			const a = badgeAnswer(app, read.kind, read.format, read.tag, q);
			if (!(a instanceof Promise)) return write(res, a, policy.frameable);
			// p95 latency reads raw checks. On an error SvelteKit answers instead, as its route would.
			a.then(
				(p) => write(res, p, policy.frameable),
				() => (res.headersSent ? res.destroy() : next())
			);
		} catch {
			// Whatever failed, SvelteKit answers the request its own way (and logs what it throws).
			if (!res.headersSent) next();
		}
	};
}

/** Where server.js finds the fast path and its listen settings once build/handler.js has started the app. */
export const SERVER_HOOKS = Symbol.for('porthole.server-hooks');

export interface ServerHooks {
	publicReads: PublicReads;
	listen: App['config']['listen'];
}

export function exposeToServer(app: App): void {
	const hooks: ServerHooks = { publicReads: publicReads(app), listen: app.config.listen };
	(globalThis as Record<symbol, unknown>)[SERVER_HOOKS] = hooks;
}
