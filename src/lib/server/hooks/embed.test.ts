import { describe, expect, it } from 'vitest';
import { embedThemeClass, isEmbedPath } from './embed';

describe('embed framing policy', () => {
	it('allows framing of the widget page only', () => {
		expect(isEmbedPath('/embed/api')).toBe(true);
		expect(isEmbedPath('/embed/api/')).toBe(true);
		for (const p of ['/', '/admin', '/embed', '/embed/', '/embed/api/snippet.json', '/x/embed/api', '/badge/api/status.svg']) {
			expect(isEmbedPath(p), p).toBe(false);
		}
	});

	it('maps ?theme= to the html class', () => {
		expect(embedThemeClass('dark')).toBe('dark');
		expect(embedThemeClass('light')).toBe('light');
		expect(embedThemeClass('auto')).toBe('');
		expect(embedThemeClass(null)).toBe('');
		expect(embedThemeClass('"><script>')).toBe('');
	});
});
