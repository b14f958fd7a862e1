// The admin guard: one handle in front of every page, form action and
// endpoint under /admin, and every write under /api. Routes never re-check;
// anything new under those paths is covered the day it is added (the e2e
// guard walk enumerates src/routes to prove it).
import { json, redirect, type Handle, type RequestEvent } from '@sveltejs/kit';
import { getApp } from '../app';
import { SESSION_COOKIE, sessionCookieOptions, validateSession } from '../auth/sessions';
import { authenticateKey } from '../auth/keys';
import { accessNeeded, READ_METHODS } from './access';

function bearer(event: RequestEvent): string | null {
	const h = event.request.headers.get('authorization');
	const m = h && /^Bearer\s+(\S+)$/i.exec(h.trim());
	return m ? m[1] : null;
}

async function loadSession(event: RequestEvent) {
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return;
	const s = await validateSession(getApp().database.db, token);
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
	json(
		{ error: message },
		{ status, headers: status === 401 ? { 'www-authenticate': 'Bearer realm="porthole"' } : {} }
	);

export const adminGuard: Handle = async ({ event, resolve }) => {
	event.locals.admin = null;
	event.locals.sessionToken = null;
	event.locals.apiKey = null;
	const need = accessNeeded(event.url.pathname, event.request.method);
	const { pathname } = event.url;
	if (pathname.startsWith('/admin') || pathname.startsWith('/api/')) await loadSession(event);
	if (need === 'none') return resolve(event);

	if (need === 'session') {
		if (event.locals.admin) {
			const response = await resolve(event);
			// Admin pages show private configuration: never kept by a shared cache or the back-forward cache of another user.
			try {
				if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'private, no-store');
			} catch {
				// Immutable headers (a fetched or redirect Response): leave them as they are.
			}
			return response;
		}
		const next = event.url.pathname.replace(/\/__data\.json$/, '') + event.url.search;
		const login = `/admin/login?next=${encodeURIComponent(next)}`;
		if (!READ_METHODS.has(event.request.method)) {
			return new Response('Sign in first', { status: 401, headers: { 'content-type': 'text/plain' } });
		}
		if (event.url.pathname.endsWith('/__data.json')) {
			// The client router's own redirect format, so a lapsed session during
			// client-side navigation lands on the sign-in page instead of an error.
			return new Response(JSON.stringify({ type: 'redirect', location: login }) + '\n', {
				headers: { 'content-type': 'application/json', 'cache-control': 'private, no-store' }
			});
		}
		redirect(303, login);
	}

	// /api: an admin session counts as a write key (the admin UI may call it);
	// otherwise a Bearer key with enough scope.
	if (event.locals.admin) return resolve(event);
	const key = bearer(event);
	if (!key) return apiError(401, 'this needs an API key: Authorization: Bearer <key>');
	const found = await authenticateKey(getApp().database.db, key);
	if (!found) return apiError(401, 'unknown or revoked API key');
	if (need === 'write' && found.scope !== 'write') return apiError(403, 'this API key is read-only; writes need a write key');
	event.locals.apiKey = found;
	return resolve(event);
};
