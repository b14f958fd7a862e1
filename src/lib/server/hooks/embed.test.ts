import { describe, expect, it } from 'vitest';
import { embedThemeClass } from './embed';

describe('embed theme', () => {
	it('maps ?theme= to the html class', () => {
		expect(embedThemeClass('dark')).toBe('dark');
		expect(embedThemeClass('light')).toBe('light');
		expect(embedThemeClass('auto')).toBe('');
		expect(embedThemeClass(null)).toBe('');
		expect(embedThemeClass('"><script>')).toBe('');
	});
});
