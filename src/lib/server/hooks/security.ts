// Security headers on every response: pages, JSON, SVG badges, redirects and
// errors alike. Pages get SvelteKit's own Content-Security-Policy (kit.csp in
// svelte.config.js, mode 'auto': the inline bootstrap script gets a nonce or
// hash, so script-src needs neither 'unsafe-inline' nor 'unsafe-eval');
// anything without one (JSON, plain-text errors, redirects) gets a strict
// default. This is the one place that sets framing headers: only a route the
// access policy marks frameable (the embed widget) may be framed by another
// site, judged on the route id (hooks/access.ts), as the router judges.
import { isRedirect, type Handle } from '@sveltejs/kit';
import { routePolicy } from './access';

/** For responses that carry no policy of their own: they load nothing, so they may load nothing. */
export const DEFAULT_CSP = "default-src 'none'; base-uri 'none'; form-action 'self'";

/**
 * same-origin: the setup link carries its token in the URL and must never
 * leave as a referrer, and 'no-referrer' would make Chromium post forms with
 * "Origin: null" (refused by the CSRF check). Nothing here needs more.
 */
export const REFERRER_POLICY = 'same-origin';

/** The headers a response gets, given whether its route may be framed and the CSP it already has (if any). */
export function securityHeaders(frameable: boolean, existingCsp: string | null): Record<string, string> {
	const embed = frameable;
	let csp = existingCsp ?? DEFAULT_CSP;
	const h: Record<string, string> = { 'x-content-type-options': 'nosniff' };
	if (!embed) {
		if (!/frame-ancestors/.test(csp)) csp = `${csp}; frame-ancestors 'none'`;
		h['x-frame-options'] = 'DENY';
	}
	h['content-security-policy'] = csp;
	return h;
}

/** Everything this handle sets on a response, given the CSP and Referrer-Policy it already has. */
export function securityUpdates(frameable: boolean, existingCsp: string | null, hasReferrerPolicy: boolean): Record<string, string> {
	const set = securityHeaders(frameable, existingCsp);
	if (!hasReferrerPolicy) set['referrer-policy'] = REFERRER_POLICY;
	return set;
}

/** The same for a plain record with lower-case names (server.js's fast path): a new record, the input untouched. */
export function withSecurityHeaders(headers: Record<string, string>, frameable: boolean): Record<string, string> {
	return {
		...headers,
		...securityUpdates(frameable, headers['content-security-policy'] ?? null, 'referrer-policy' in headers)
	};
}

/**
 * A response that sets a cookie is never for a shared cache: the cookie (a
 * session token, say) would be handed to everyone the cache serves.
 */
export function cacheControlWithCookie(cacheControl: string | null, setsCookie: boolean): string | null {
	return setsCookie && cacheControl !== null && /\b(public|s-maxage)\b/i.test(cacheControl) ? 'private, no-store' : null;
}

function withHeaders(response: Response, frameable: boolean): Response {
	const set = securityUpdates(frameable, response.headers.get('content-security-policy'), response.headers.has('referrer-policy'));
	const cc = cacheControlWithCookie(response.headers.get('cache-control'), response.headers.has('set-cookie'));
	if (cc) set['cache-control'] = cc;
	try {
		for (const [k, v] of Object.entries(set)) response.headers.set(k, v);
		return response;
	} catch {
		// Some responses (fetched ones, Response.redirect) have immutable headers: copy them.
		const headers = new Headers(response.headers);
		for (const [k, v] of Object.entries(set)) headers.set(k, v);
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	}
}

/** First in the sequence, so it also covers responses other handles return early (guard's 401s and redirects). */
export const securityHeadersHandle: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (e) {
		// A redirect thrown by a handle would otherwise leave as SvelteKit's bare 3xx.
		if (!isRedirect(e)) throw e;
		response = new Response(null, { status: e.status, headers: { location: e.location } });
	}
	// A frameable route's error or redirect (a 404 for an unknown tag) is framed as its page would be.
	return withHeaders(response, routePolicy(event.route.id, event.isRemoteRequest).frameable === true);
};
