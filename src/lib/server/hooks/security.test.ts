import { describe, expect, it } from 'vitest';
import { DEFAULT_CSP, securityHeaders } from './security';

describe('securityHeaders', () => {
	it('forbids framing everywhere but the embed widget, and keeps a page policy it is given', () => {
		const page = securityHeaders('/', "script-src 'self' 'nonce-x'");
		expect(page['content-security-policy']).toBe("script-src 'self' 'nonce-x'; frame-ancestors 'none'");
		expect(page['x-frame-options']).toBe('DENY');
		expect(page['x-content-type-options']).toBe('nosniff');
		const embed = securityHeaders('/embed/api', "script-src 'self'");
		expect(embed['content-security-policy']).toBe("script-src 'self'");
		expect(embed['x-frame-options']).toBeUndefined();
	});

	it('gives responses without a policy the strict default, never unsafe-eval', () => {
		const json = securityHeaders('/api/health', null);
		expect(json['content-security-policy']).toBe(`${DEFAULT_CSP}; frame-ancestors 'none'`);
		expect(json['content-security-policy']).not.toContain('unsafe-eval');
	});
});
