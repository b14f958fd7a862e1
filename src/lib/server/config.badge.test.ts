import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('BADGE_MAX_AGE', () => {
	it('defaults to 30 s and takes 0-86400', () => {
		expect(loadConfig({}).badgeMaxAge).toBe(30);
		expect(loadConfig({ BADGE_MAX_AGE: '0' }).badgeMaxAge).toBe(0);
		expect(loadConfig({ BADGE_MAX_AGE: '300' }).badgeMaxAge).toBe(300);
	});

	it.each(['-1', '1.5', 'soon', '86401'])('refuses %s with a message naming it', (v) => {
		expect(() => loadConfig({ BADGE_MAX_AGE: v })).toThrow(ConfigError);
		expect(() => loadConfig({ BADGE_MAX_AGE: v })).toThrow(/BADGE_MAX_AGE must be an integer 0-86400/);
	});
});
