// Rate limit on public endpoints (RATE_LIMIT, per client address; see
// ratelimit.ts). /admin has its own sign-in throttle and is for the operator;
// /api/health is polled by load balancers and monitoring, so neither counts.
import type { Handle } from '@sveltejs/kit';
import { getApp } from '../app';
import { clientKey, RateLimiter } from '../ratelimit';

export function rateLimited(pathname: string): boolean {
	if (pathname === '/admin' || pathname.startsWith('/admin/')) return false;
	if (pathname === '/api/health' || pathname.startsWith('/api/health/')) return false;
	return true;
}

let limiter: RateLimiter | null = null;

export const rateLimit: Handle = async ({ event, resolve }) => {
	const { config } = getApp();
	// A page's own data fetch during server rendering (the home page reads
	// /home.json) is part of the visit already counted, not a second request.
	if (!config.rateLimit || event.isSubRequest || !rateLimited(event.url.pathname)) return resolve(event);
	if (!limiter || limiter.limit !== config.rateLimit.limit || limiter.windowMs !== config.rateLimit.windowMs) {
		limiter = new RateLimiter(config.rateLimit);
	}
	const key = clientKey(event.request.headers, () => event.getClientAddress(), config.trustedProxyHeader);
	const verdict = limiter.take(key);
	if (verdict.ok) return resolve(event);
	return new Response(
		JSON.stringify({ error: `too many requests from this address; retry in ${verdict.retryAfterSeconds} s` }) + '\n',
		{
			status: 429,
			headers: {
				'content-type': 'application/json',
				'retry-after': String(verdict.retryAfterSeconds),
				'cache-control': 'no-store'
			}
		}
	);
};
