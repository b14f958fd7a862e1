import { describe, expect, it } from 'vitest';
import { cacheControlWithCookie, DEFAULT_CSP, REFERRER_POLICY, securityHeaders, withSecurityHeaders } from './security';

describe('securityHeaders', () => {
	it('forbids framing everywhere but the embed widget, and keeps a page policy it is given', () => {
		const page = securityHeaders(false, "script-src 'self' 'nonce-x'");
		expect(page['content-security-policy']).toBe("script-src 'self' 'nonce-x'; frame-ancestors 'none'");
		expect(page['x-frame-options']).toBe('DENY');
		expect(page['x-content-type-options']).toBe('nosniff');
		const embed = securityHeaders(true, "script-src 'self'");
		expect(embed['content-security-policy']).toBe("script-src 'self'");
		expect(embed['x-frame-options']).toBeUndefined();
	});

	it('gives responses without a policy the strict default, never unsafe-eval', () => {
		const json = securityHeaders(false, null);
		expect(json['content-security-policy']).toBe(`${DEFAULT_CSP}; frame-ancestors 'none'`);
		expect(json['content-security-policy']).not.toContain('unsafe-eval');
	});
});

describe('withSecurityHeaders', () => {
	it('adds what the handle adds, to a copy, keeping a policy and a referrer policy already set', () => {
		const plain = { 'content-type': 'image/svg+xml', 'content-security-policy': "default-src 'none'" };
		const h = withSecurityHeaders(plain, false);
		expect(h).toEqual({
			'content-type': 'image/svg+xml',
			'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
			'x-content-type-options': 'nosniff',
			'x-frame-options': 'DENY',
			'referrer-policy': REFERRER_POLICY
		});
		expect(plain['content-security-policy']).toBe("default-src 'none'");
		expect(withSecurityHeaders({ 'referrer-policy': 'no-referrer' }, false)['referrer-policy']).toBe('no-referrer');
		expect(withSecurityHeaders({}, false)['content-security-policy']).toBe(`${DEFAULT_CSP}; frame-ancestors 'none'`);
	});
});

describe('cacheControlWithCookie', () => {
	it('makes a publicly cacheable answer that sets a cookie private', () => {
		expect(cacheControlWithCookie('public, max-age=30', true)).toBe('private, no-store');
		expect(cacheControlWithCookie('max-age=30, s-maxage=60', true)).toBe('private, no-store');
		expect(cacheControlWithCookie('public, max-age=30', false)).toBeNull();
		expect(cacheControlWithCookie('private, no-store', true)).toBeNull();
		expect(cacheControlWithCookie(null, true)).toBeNull();
	});
});
