// Rate limit on public endpoints (RATE_LIMIT, per client address; see
// ratelimit.ts). Which routes count is the access policy's `rateLimited`
// (hooks/access.ts): the admin pages have their own sign-in throttle and are
// for the operator; /api/health is polled by load balancers and monitoring.
import type { Handle } from '@sveltejs/kit';
import type { Config } from '../config';
import { clientKey, RateLimiter } from '../ratelimit';
import { routePolicy } from './access';

// One limiter per process, shared by this handle and server.js's fast path (public/fast.ts).
let limiter: RateLimiter | null = null;
const encoder = new TextEncoder();

/** The 429 as plain data: server.js's fast path writes it as it is, the handle makes a Response of it. */
export interface Refusal {
	status: number;
	headers: Record<string, string>;
	body: Uint8Array<ArrayBuffer>;
}

/**
 * Takes one request from the client's budget: null to go on, or the 429 to
 * send. `key` is called only when the route is limited (the access policy's
 * `rateLimited`, hooks/access.ts).
 */
export function rateLimitRefusal(config: Config, limited: boolean, key: () => string): Refusal | null {
	if (!config.rateLimit || !limited) return null;
	if (!limiter || limiter.limit !== config.rateLimit.limit || limiter.windowMs !== config.rateLimit.windowMs) {
		limiter = new RateLimiter(config.rateLimit);
	}
	const verdict = limiter.take(key());
	if (verdict.ok) return null;
	return {
		status: 429,
		headers: {
			'content-type': 'application/json',
			'retry-after': String(verdict.retryAfterSeconds),
			'cache-control': 'no-store'
		},
		body: encoder.encode(
			JSON.stringify({ error: `too many requests from this address; retry in ${verdict.retryAfterSeconds} s` }) + '\n'
		) as Uint8Array<ArrayBuffer>
	};
}

export const rateLimit: Handle = async ({ event, resolve }) => {
	// A page's own data fetch during server rendering (the home page reads
	// /home.json) is part of the visit already counted, not a second request.
	if (event.isSubRequest) return resolve(event);
	const { config } = event.locals.app;
	const limited = routePolicy(event.route.id, event.isRemoteRequest).rateLimited;
	const refusal = rateLimitRefusal(config, limited, () =>
		clientKey(event.request.headers, () => event.getClientAddress(), config.trustedProxyHeader)
	);
	return refusal ? new Response(refusal.body, { status: refusal.status, headers: refusal.headers }) : resolve(event);
};
