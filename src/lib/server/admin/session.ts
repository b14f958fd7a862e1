// Sign-in, sign-out and setup as one call each for the route actions, given
// the running app (event.locals.app).
import type { Cookies } from '@sveltejs/kit';
import type { App } from '../app';
import { signIn } from '../auth/admins';
import { createSession, deleteSession, SESSION_COOKIE, sessionCookieOptions } from '../auth/sessions';
import { completeSetup } from '../auth/setup';
import { hasControlChars } from '../text';

const AFTER_SIGN_IN = '/admin/monitors';

/**
 * Only same-site admin paths: an open redirect after sign-in would be a
 * phishing aid. The answer goes into a Location header, so it is rebuilt by
 * the URL parser (percent-encoded, no control characters) rather than passed
 * on; anything odd sends the admin to the monitors list.
 */
export function safeNext(next: string | null): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || hasControlChars(next) || next.includes('\\')) return AFTER_SIGN_IN;
	let url: URL;
	let path: string;
	try {
		url = new URL(next, 'http://porthole.invalid');
		// Judge the path the router will see (decoded), not its spelling.
		path = decodeURI(url.pathname);
	} catch {
		return AFTER_SIGN_IN;
	}
	if (url.origin !== 'http://porthole.invalid' || !(path === '/admin' || path.startsWith('/admin/'))) return AFTER_SIGN_IN;
	if (path.startsWith('/admin/login') || path.startsWith('/admin/setup')) return AFTER_SIGN_IN;
	return url.pathname + url.search;
}

async function startSession(app: App, cookies: Cookies, secure: boolean, adminId: number) {
	const { token, expiresAt } = await createSession(app.database.db, adminId);
	cookies.set(SESSION_COOKIE, token, sessionCookieOptions(secure, expiresAt));
}

export type LoginOutcome = { ok: true } | { ok: false; status: 400 | 429; message: string; retryAfterS?: number };

export async function login(
	app: App,
	input: { email: string; password: string; address: string; secure: boolean },
	cookies: Cookies
): Promise<LoginOutcome> {
	if (!input.email.trim() || !input.password) return { ok: false, status: 400, message: 'Enter your email and password' };
	// No address has them, and NUL cannot even be looked up (Postgres text refuses it): answer before the throttle.
	if (hasControlChars(input.email)) return { ok: false, status: 400, message: 'Email must not contain control characters' };
	const r = await signIn(app.database.db, input.email, input.password, input.address);
	if (r.ok) {
		await startSession(app, cookies, input.secure, r.adminId);
		return { ok: true };
	}
	if (r.reason === 'throttled') {
		const min = Math.max(1, Math.ceil(r.retryAfterS / 60));
		return {
			ok: false,
			status: 429,
			message: `Too many failed sign-ins. Try again in ${min} minute${min === 1 ? '' : 's'}.`,
			retryAfterS: r.retryAfterS
		};
	}
	// Held back a little after repeated failures; the same words whether or not the email exists.
	if (r.delayMs) await new Promise((res) => setTimeout(res, r.delayMs));
	return { ok: false, status: 400, message: 'Email or password is not correct' };
}

export async function logout(app: App, token: string | null, cookies: Cookies): Promise<void> {
	if (token) await deleteSession(app.database.db, token);
	cookies.delete(SESSION_COOKIE, { path: '/' });
}

export async function setupFirstAdmin(
	app: App,
	token: string,
	input: { email: string; name: string; password: string; confirm: string; secure: boolean },
	cookies: Cookies
) {
	const r = await completeSetup(app.database.db, token, input);
	if (r.ok) {
		await startSession(app, cookies, input.secure, r.adminId);
		app.log.info(`first admin created through the setup link: ${input.email.trim().toLowerCase()}`);
	}
	return r;
}
