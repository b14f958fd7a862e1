import { describe, expect, it } from 'vitest';
import { barPaths, dayClass, lastDays } from './days';

const c = (up: number, degraded = 0, down = 0, maintenance = 0) => ({ up, degraded, down, maintenance });

describe('embed day classes (UI.md §4)', () => {
	it.each([
		[undefined, 1, 'n'],
		[c(0), 1, 'n'],
		[c(1440), 1, 'u'],
		[c(1400, 40), 1, 'a'], // degraded only never turns red
		[c(1400, 0, 0, 40), 1, 'm'],
		[c(1420, 0, 19), 1, 'a'], // under 20 down minutes
		[c(1420, 10, 18), 1, 'r'], // 18 + 0.3 × 10 = 21
		[c(1380, 0, 59), 1, 'r'],
		[c(1380, 0, 60), 1, 's'],
		[c(280, 0, 4), 5, 'r'] // 4 checks × 5 min = 20 min
	])('%j at %i min slots → %s', (counts, slot, cls) => {
		expect(dayClass(counts, slot)).toBe(cls);
	});

	it('lists the last n days oldest first, across a month end', () => {
		expect(lastDays('2026-03-02', 4)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
		expect(lastDays('2026-06-30', 90)).toHaveLength(90);
	});

	it('draws one path per class', () => {
		expect(barPaths(['u', 'n', 'u'], 24)).toEqual({ u: 'M0 0h6v24h-6zM16 0h6v24h-6z', n: 'M8 0h6v24h-6z' });
	});
});
