// Which requests the admin guard closes, from path and method alone (pure, so it is unit-tested).
export const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Pages under /admin that must open without a session. */
const OPEN_ADMIN = [/^\/admin\/login\/?$/, /^\/admin\/setup\/[^/]+\/?$/];
/** Reads under /api that show private configuration (hosts, eval): need a key or a session. */
const PRIVATE_API_READS = [/^\/api\/v1\/config(\.json)?\/?$/];

export type Need = 'none' | 'session' | 'write' | 'read';

/** What a request needs, from its path and method alone. */
export function accessNeeded(pathname: string, method: string): Need {
	// SvelteKit's client data requests for a page: /admin/x/__data.json
	const path = pathname.replace(/\/__data\.json$/, '') || '/';
	if (path === '/admin' || path.startsWith('/admin/')) {
		return OPEN_ADMIN.some((r) => r.test(path)) ? 'none' : 'session';
	}
	if (path === '/api' || path.startsWith('/api/')) {
		if (!READ_METHODS.has(method)) return 'write';
		if (PRIVATE_API_READS.some((r) => r.test(path))) return 'read';
	}
	return 'none';
}

