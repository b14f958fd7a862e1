// The admin guard: one handle in front of every route. What a route needs is
// decided by the access policy (hooks/access.ts) on the route id SvelteKit's
// router matched, so an encoded, doubled or re-cased path is judged as the
// route it reaches; routes never re-check. A route nobody listed needs a
// signed-in admin, the day it is added (the e2e guard walk enumerates
// src/routes, through encoded paths, to prove it).
import { json, redirect, type Handle, type RequestEvent } from '@sveltejs/kit';
import { SESSION_COOKIE, sessionCookieOptions, validateSession } from '../auth/sessions';
import { authenticateKey } from '../auth/keys';
import { isApiRoute, needOf, READ_METHODS, routePolicy } from './access';

function bearer(event: RequestEvent): string | null {
	const h = event.request.headers.get('authorization');
	const m = h && /^Bearer\s+(\S+)$/i.exec(h.trim());
	return m ? m[1] : null;
}

async function loadSession(event: RequestEvent) {
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return;
	const s = await validateSession(event.locals.app.database.db, token);
	if (!s) {
		event.cookies.delete(SESSION_COOKIE, { path: '/' });
		return;
	}
	event.locals.admin = s.admin;
	event.locals.sessionToken = token;
	if (s.extended) {
		event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(event.url.protocol === 'https:', s.expiresAt));
	}
}

const apiError = (status: number, message: string) =>
	json({ error: message }, { status, headers: status === 401 ? { 'www-authenticate': 'Bearer realm="porthole"' } : {} });

/**
 * A session cookie rides along on any request the browser sends, including
 * one another site makes it send. SvelteKit's own origin check covers form
 * content types only; an empty or JSON POST to an endpoint slips by it. So
 * every unsafe request that a session authorises must say it comes from this
 * site (Origin, or Sec-Fetch-Site where a browser sends no Origin). A request
 * with a Bearer key is authorised by the key, which no other site can add.
 */
export function sameOrigin(request: Request, origin: string): boolean {
	const o = request.headers.get('origin');
	if (o !== null) return o === origin;
	return request.headers.get('sec-fetch-site') === 'same-origin';
}

/** Admin responses show private configuration: never kept by a shared cache or another user's back-forward cache. */
function privateNoStore(response: Response): Response {
	try {
		if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'private, no-store');
	} catch {
		// Immutable headers (a fetched or redirect Response): leave them as they are.
	}
	return response;
}

function signInFirst(event: RequestEvent): Response {
	const next = event.url.pathname + event.url.search;
	const login = `/admin/login?next=${encodeURIComponent(next)}`;
	if (!READ_METHODS.has(event.request.method)) {
		return new Response('Sign in first', { status: 401, headers: { 'content-type': 'text/plain' } });
	}
	if (event.isDataRequest) {
		// The client router's own redirect format, so a lapsed session during
		// client-side navigation lands on the sign-in page instead of an error.
		return new Response(JSON.stringify({ type: 'redirect', location: login }) + '\n', {
			headers: { 'content-type': 'application/json', 'cache-control': 'private, no-store' }
		});
	}
	redirect(303, login);
}

export const adminGuard: Handle = async ({ event, resolve }) => {
	event.locals.admin = null;
	event.locals.sessionToken = null;
	event.locals.apiKey = null;
	const routeId = event.route.id;
	const { method } = event.request;
	const policy = routePolicy(routeId, event.isRemoteRequest);
	const need = needOf(policy, method);
	const api = isApiRoute(routeId);
	const adminRoute = routeId === '/admin' || !!routeId?.startsWith('/admin/');
	const key = api ? bearer(event) : null;

	if (need === 'public' && !adminRoute && !policy.identify) {
		// Open routes never read the session: a refreshed (or cleared) session
		// cookie must never ride on an answer a shared cache may keep.
		return resolve(event);
	}
	// The admin's own pages read it even where open (sign-in redirects a signed-in admin).
	await loadSession(event);

	if (event.locals.admin && !key && !READ_METHODS.has(method) && !sameOrigin(event.request, event.url.origin)) {
		const message = 'cross-site request refused: a signed-in request that changes something must come from this site';
		return api ? apiError(403, message) : new Response(message, { status: 403, headers: { 'content-type': 'text/plain' } });
	}
	if (need === 'public') {
		if (key) {
			// Optional identification (policy.identify): a key that is sent must be a real one.
			const found = await authenticateKey(event.locals.app.database.db, key);
			if (!found) return apiError(401, 'unknown or revoked API key');
			event.locals.apiKey = found;
		}
		const response = await resolve(event);
		return adminRoute ? privateNoStore(response) : response;
	}

	if (need === 'session' || !api) {
		if (event.locals.admin) return privateNoStore(await resolve(event));
		return api ? apiError(401, 'this needs a signed-in admin') : signInFirst(event);
	}

	// /api with read or write: a Bearer key with enough scope, or an admin
	// session (the admin UI may call it). A key, when sent, is what is judged.
	if (!key) {
		if (event.locals.admin) return resolve(event);
		return apiError(401, 'this needs an API key: Authorization: Bearer <key>');
	}
	const found = await authenticateKey(event.locals.app.database.db, key);
	if (!found) return apiError(401, 'unknown or revoked API key');
	if (need === 'write' && found.scope !== 'write') return apiError(403, 'this API key is read-only; writes need a write key');
	event.locals.apiKey = found;
	return resolve(event);
};
