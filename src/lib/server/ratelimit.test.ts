import { describe, expect, it } from 'vitest';
import { clientKey, RateLimiter } from './ratelimit';
import { loadConfig, parseRateLimit } from './config';

describe('RateLimiter', () => {
	it('allows the limit, then refuses with a Retry-After until a token refills', () => {
		const rl = new RateLimiter({ limit: 3, windowMs: 60_000 });
		const t = 1_000_000;
		for (let i = 0; i < 3; i++) expect(rl.take('a', t).ok).toBe(true);
		const no = rl.take('a', t);
		expect(no).toEqual({ ok: false, retryAfterSeconds: 20 }); // one token per 20 s
		expect(rl.take('b', t).ok).toBe(true); // another client has its own bucket
		expect(rl.take('a', t + 19_000).ok).toBe(false);
		expect(rl.take('a', t + 20_000).ok).toBe(true);
		expect(rl.take('a', t + 20_001).ok).toBe(false);
		// A full window later the whole burst is back.
		for (let i = 0; i < 3; i++) expect(rl.take('a', t + 200_000).ok).toBe(true);
	});

	it('keeps memory bounded: refilled buckets go first, then the least recently seen', () => {
		const rl = new RateLimiter({ limit: 2, windowMs: 1000, maxEntries: 100 });
		for (let i = 0; i < 10_000; i++) rl.take(`ip${i}`, i); // spread over 10 s: old ones refilled
		expect(rl.size).toBeLessThanOrEqual(100);
		const burst = new RateLimiter({ limit: 2, windowMs: 60_000, maxEntries: 50 });
		for (let i = 0; i < 1000; i++) burst.take(`ip${i}`, 0); // all at once: none refilled
		expect(burst.size).toBe(50);
		// The most recent clients are the ones remembered.
		burst.take('ip999', 0);
		expect(burst.take('ip999', 0).ok).toBe(false);
	});
});

describe('clientKey', () => {
	const h = new Headers({ 'x-forwarded-for': '6.6.6.6, 10.0.0.7', 'x-real-ip': '10.0.0.9' });
	it('uses the socket address unless a header is trusted', () => {
		expect(clientKey(h, () => '127.0.0.1', undefined)).toBe('127.0.0.1');
	});
	it('reads only the trusted header, taking the proxy-appended last entry', () => {
		expect(clientKey(h, () => '127.0.0.1', 'x-forwarded-for')).toBe('10.0.0.7');
		expect(clientKey(h, () => '127.0.0.1', 'x-real-ip')).toBe('10.0.0.9');
		expect(clientKey(new Headers(), () => '127.0.0.1', 'x-real-ip')).toBe('no-proxy-header');
	});
});

describe('RATE_LIMIT and TRUSTED_PROXY_HEADER settings', () => {
	it('parses limits, off, and refuses nonsense with the variable named', () => {
		expect(parseRateLimit(undefined)).toEqual({ limit: 300, windowMs: 60_000 });
		expect(parseRateLimit('300/60s')).toEqual({ limit: 300, windowMs: 60_000 });
		expect(parseRateLimit('100/m')).toEqual({ limit: 100, windowMs: 60_000 });
		expect(parseRateLimit('5000/1h')).toEqual({ limit: 5000, windowMs: 3_600_000 });
		expect(parseRateLimit('off')).toBeNull();
		expect(loadConfig({ RATE_LIMIT: 'OFF' }).rateLimit).toBeNull();
		for (const bad of ['300', 'lots', '0/60s', '10/0s', '10/100000h', '-1/1s']) {
			expect(() => loadConfig({ RATE_LIMIT: bad }), bad).toThrow(/RATE_LIMIT must look like/);
		}
		expect(loadConfig({}).trustedProxyHeader).toBeUndefined();
		expect(loadConfig({ TRUSTED_PROXY_HEADER: 'X-Forwarded-For' }).trustedProxyHeader).toBe('x-forwarded-for');
		expect(() => loadConfig({ TRUSTED_PROXY_HEADER: 'x: y' })).toThrow(/TRUSTED_PROXY_HEADER/);
	});
});
