import { building } from '$app/environment';
import { env } from '$env/dynamic/private';
import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { startApp, stopAppOnShutdown, type App } from '$lib/server/app';
import { adminGuard } from '$lib/server/hooks/admin-guard';
import { initAuth } from '$lib/server/auth/setup';
import { loadConfig } from '$lib/server/config';
import { compress } from '$lib/server/hooks/compress';
import { embedPolicy } from '$lib/server/hooks/embed';
import { securityHeadersHandle } from '$lib/server/hooks/security';
import { rateLimit } from '$lib/server/hooks/ratelimit';
import { publicReadHandle } from '$lib/server/hooks/public-read';
import { exposeToServer } from '$lib/server/public/fast';
import { isApiRoute, isPublicRead } from '$lib/server/hooks/access';

/** Built once in init; every request gets it as event.locals.app (no module reaches for it). */
let app: App | undefined;

// Runs once when the server starts (not during `vite build`): config,
// migrations, monitors.json, probe loop. Any error here stops the start.
export const init: ServerInit = async () => {
	if (building) return;
	app = await startApp(loadConfig(env));
	await initAuth(app.database.db, app.config, app.log);
	// server.js answers badges and /api/v2 itself, from this app (public/fast.ts).
	exposeToServer(app);
	stopAppOnShutdown();
};

/** JSON and badges are read by machines; pages by people. Neither may be cached by accident. */
const noStoreApi: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (isApiRoute(event.route.id) && !response.headers.has('cache-control')) {
		response.headers.set('cache-control', 'no-store');
	}
	return response;
};

/** Sets the theme class before paint from the remembered choice: no flash, no blocking script. */
const theme: Handle = async ({ event, resolve }) => {
	const t = event.cookies.get('theme');
	const cls = t === 'dark' || t === 'light' ? t : '';
	return resolve(event, { transformPageChunk: ({ html }) => html.replace('%porthole.theme%', cls) });
};

// compress wraps everything, so it encodes the final body; securityHeadersHandle comes next so the guard's
// early 401s, redirects and 429s get the headers too; rateLimit next, so a flood is refused before any
// session or database work.
const everything = sequence(compress, securityHeadersHandle, rateLimit, theme, noStoreApi, embedPolicy, adminGuard);

// Badges and public JSON skip the handles that do nothing for them (see hooks/public-read.ts).
export const handle: Handle = (input) => {
	if (!app) throw new Error('Porthole is not started yet');
	input.event.locals.app = app;
	const { route, request } = input.event;
	return isPublicRead(route.id, request.method) ? publicReadHandle(input) : everything(input);
};
