// Who may reach each route, decided in this one place and on what the router
// decided: SvelteKit's route id (`event.route.id`), never a path string. The
// router matches the decoded path (`/%61dmin/keys` is the route
// `/admin/keys`), so a guard reading the raw path judges a different request
// than the one that runs; the route id cannot disagree with the router.
//
// Deny by default: a route is open only if it is listed in ROUTES below, for
// the methods listed. Any route not listed (every admin page, form action,
// `__data.json` and endpoint, and whatever is added later) needs a signed-in
// admin. access.test.ts walks src/routes and fails on a listed route that no
// longer exists; the e2e guard walk requests every route, through encoded
// paths, without a session.

export const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * - public: anyone.
 * - session: a signed-in admin.
 * - read: a signed-in admin, or any API key.
 * - write: a signed-in admin, or a write key.
 */
export type Need = 'public' | 'session' | 'read' | 'write';

export interface RoutePolicy {
	/** Needed for GET, HEAD and OPTIONS. */
	read: Need;
	/** Needed for every other method (form actions, API writes). */
	write: Need;
	/** Counted by the public rate limit (RATE_LIMIT). The operator's pages and the health probe are not. */
	rateLimited: boolean;
	/** May be shown in another site's frame (only the embed widget). */
	frameable?: true;
	/** A badge or Statuspage read that server.js may answer itself and that skips the handles that do nothing for it. */
	publicRead?: 'badge' | 'statuspage';
	/**
	 * Open, but says more to a signed-in admin or a key holder (the health
	 * probe's counters and errors): the guard reads a session or key if one is
	 * sent. Other open routes never read the session, so a publicly cacheable
	 * answer can never carry a refreshed session cookie.
	 */
	identify?: true;
}

const PUBLIC: RoutePolicy = { read: 'public', write: 'session', rateLimited: true };
const BADGE: RoutePolicy = { ...PUBLIC, publicRead: 'badge' };
const STATUSPAGE: RoutePolicy = { ...PUBLIC, publicRead: 'statuspage' };
/**
 * Incidents and maintenance over /api/v1: reads name hidden monitors, so a key
 * of either scope (visitors have the Statuspage JSON); writes a write key.
 */
const NOTICES_API: RoutePolicy = { read: 'read', write: 'write', rateLimited: true };
/** Their actions (post an update, resolve, end, cancel): POST only, a write key whatever the method. */
const NOTICES_API_ACTION: RoutePolicy = { read: 'write', write: 'write', rateLimited: true };
/** Alert channels and the delivery log: reads name where alerts go (a key of either scope), writes a write key. */
const ALERTS_API: RoutePolicy = { read: 'read', write: 'write', rateLimited: true };
/** Sending a channel a test message: POST only, a write key whatever the method. */
const ALERTS_API_ACTION: RoutePolicy = { read: 'write', write: 'write', rateLimited: true };
/** Sign-in and the setup link: open to anyone, including their form posts (they have their own throttle). */
const SIGN_IN: RoutePolicy = { read: 'public', write: 'public', rateLimited: false };

/** Every route that is not admin-only. Keys are route ids, as in src/routes. */
export const ROUTES: Readonly<Record<string, RoutePolicy>> = {
	'/': PUBLIC,
	'/home.json': PUBLIC,
	'/monitors/[tag]': PUBLIC,
	'/monitors/[tag]/days.json': PUBLIC,
	'/monitors/[tag]/latency.json': PUBLIC,
	'/embed/[tag]': { ...PUBLIC, frameable: true },
	'/embed/[tag]/snippet.json': PUBLIC,
	// Every badge file (the param matcher, src/params/badge.ts, admits the seven names).
	'/badge/[tag]/[file=badge]': BADGE,
	'/api/v2/status.json': STATUSPAGE,
	'/api/v2/summary.json': STATUSPAGE,
	'/api/v2/incidents.json': STATUSPAGE,
	'/api/v2/incidents/unresolved.json': STATUSPAGE,
	'/api/v2/scheduled-maintenances.json': STATUSPAGE,
	'/api/v2/scheduled-maintenances/upcoming.json': STATUSPAGE,
	'/api/v2/scheduled-maintenances/active.json': STATUSPAGE,
	'/incidents/[id]': PUBLIC,
	'/maintenance/[id]': PUBLIC,
	'/history': PUBLIC,
	'/feed.atom': PUBLIC,
	// Polled by load balancers and monitoring: never rate limited.
	'/api/health': { read: 'public', write: 'write', rateLimited: false, identify: true },
	'/api/v1/monitors': { read: 'public', write: 'write', rateLimited: true },
	'/api/v1/monitors/[tag]': { read: 'public', write: 'write', rateLimited: true },
	'/api/v1/monitors/[tag]/check': { read: 'write', write: 'write', rateLimited: true },
	'/api/v1/check': { read: 'write', write: 'write', rateLimited: true },
	// Hosts and eval source of every monitor: a key of either scope.
	'/api/v1/config': { read: 'read', write: 'write', rateLimited: true },
	'/api/v1/incidents': NOTICES_API,
	'/api/v1/incidents/[id]': NOTICES_API,
	'/api/v1/incidents/[id]/updates': NOTICES_API_ACTION,
	'/api/v1/incidents/[id]/updates/[updateId]': NOTICES_API_ACTION,
	'/api/v1/incidents/[id]/resolve': NOTICES_API_ACTION,
	'/api/v1/maintenance': NOTICES_API,
	'/api/v1/maintenance/[id]': NOTICES_API,
	'/api/v1/maintenance/[id]/end': NOTICES_API_ACTION,
	'/api/v1/maintenance/[id]/cancel': NOTICES_API_ACTION,
	'/api/v1/channels': ALERTS_API,
	'/api/v1/channels/[id]': ALERTS_API,
	'/api/v1/channels/[id]/test': ALERTS_API_ACTION,
	'/api/v1/deliveries': ALERTS_API,
	'/admin/login': SIGN_IN,
	'/admin/setup/[token]': SIGN_IN
};

/** Everything not listed: the operator's, behind a session. */
export const ADMIN_ONLY: RoutePolicy = { read: 'session', write: 'session', rateLimited: false };

/**
 * No route matched: SvelteKit answers 404 (or 405). Reading that is harmless;
 * anything else is refused before it reaches a handler, and a remote function
 * call (which carries no route id) needs a session until one is listed here.
 */
export const NO_ROUTE: RoutePolicy = { read: 'public', write: 'session', rateLimited: true };

export function routePolicy(routeId: string | null, isRemoteRequest = false): RoutePolicy {
	if (isRemoteRequest) return ADMIN_ONLY;
	if (routeId === null) return NO_ROUTE;
	return Object.hasOwn(ROUTES, routeId) ? ROUTES[routeId] : ADMIN_ONLY;
}

/** What a request of `method` needs under a policy. */
export function needOf(p: RoutePolicy, method: string): Need {
	// Exact names: a method is case-sensitive, and one that is not a read is judged as a write.
	return READ_METHODS.has(method) ? p.read : p.write;
}

/** What a request needs, from its route id and method. */
export function accessNeeded(routeId: string | null, method: string, isRemoteRequest = false): Need {
	return needOf(routePolicy(routeId, isRemoteRequest), method);
}

/**
 * A GET or HEAD of a route this policy marks as a public read: the admin
 * guard does nothing for it (open routes never read the session), so
 * server.js's fast path may answer it, and through SvelteKit it skips the
 * handles that do nothing for it (hooks/public-read.ts). Judged on the route
 * id, as the guard judges.
 */
export function isPublicRead(routeId: string | null, method: string | undefined): boolean {
	if (method !== 'GET' && method !== 'HEAD') return false;
	const policy = routePolicy(routeId);
	return !!policy.publicRead && policy.read === 'public';
}

/** Routes under /api answer machines: JSON errors, no-store by default, the session refreshed. */
export const isApiRoute = (routeId: string | null) => routeId !== null && routeId.startsWith('/api/');
