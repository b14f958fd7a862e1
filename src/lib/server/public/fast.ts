// server.js's fast path: badges and the Statuspage JSON answered straight on
// node:http. Through SvelteKit every request builds a Request, an
// AbortSignal, a Response with a ReadableStream body and runs the hook
// sequence, which caps these reads at a few thousand a second on a small
// machine (bench/badges.ts measures it); here a repeated read is a Map lookup
// and one socket write. It takes what the route files take, so the answer is
// the same:
// - the route and its params come from the public read table
//   (public/reads.ts: matchPublicRead), and the answer from the same table's
//   function the route file calls;
// - the URL is built as adapter-node builds it (ORIGIN + request target);
// - whether it may answer at all, and whether the rate limit counts the
//   request, is the access policy's (hooks/access.ts) on the route id;
// - the rate limit is the same limiter (hooks/ratelimit.ts), keyed by the same
//   client address (TRUSTED_PROXY_HEADER, else adapter-node's ADDRESS_HEADER
//   and XFF_DEPTH, else the socket);
// - the security headers come from withSecurityHeaders (hooks/security.ts).
// Everything else goes on to SvelteKit untouched: other paths and methods,
// odd request targets, no ORIGIN configured, and any error.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import { isPublicRead, routePolicy } from '../hooks/access';
import { rateLimitRefusal } from '../hooks/ratelimit';
import { withSecurityHeaders } from '../hooks/security';
import { clientKey } from '../ratelimit';
import type { Plain } from './http';
import { matchPublicRead, PUBLIC_READS, type PublicApp, type PublicRequest } from './reads';

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
 * The headers as written to the socket, per answer. Answers are kept per
 * snapshot (public/cache.ts), so this is built once per answer and goes with
 * it. It may ignore the path: the security headers differ only for the embed
 * widget, which is never a public read.
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
export function publicReads(app: PublicApp): PublicReads {
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
			const a = PUBLIC_READS[read.routeId](app, read.params, q);
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

/**
 * Where server.js finds the fast path and its listen settings once
 * build/handler.js has started the app. A global, because server.js and the
 * built handler are two module graphs: server.js imports only
 * build/handler.js (adapter-node's output, which bundles this module), and
 * the app it must answer from exists only after the handler's init ran.
 */
export const SERVER_HOOKS = Symbol.for('porthole.server-hooks');

export interface ServerHooks {
	publicReads: PublicReads;
	listen: Config['listen'];
}

export function exposeToServer(app: PublicApp): void {
	const hooks: ServerHooks = { publicReads: publicReads(app), listen: app.config.listen };
	(globalThis as Record<symbol, unknown>)[SERVER_HOOKS] = hooks;
}
