import { describe, expect, it } from 'vitest';
import { DAY_LEGEND, dayClass, partialCoverage, type ClassCounts } from './day-colour';
import { slotMs } from '$lib/server/current';

const counts = (p: Partial<ClassCounts>): ClassCounts => ({ up: 0, degraded: 0, down: 0, maintenance: 0, ...p });

describe('day colour', () => {
	it('is no data without checks, never up', () => {
		expect(dayClass(counts({}), 1)).toBe('n');
	});
	it('without DOWN: degraded → amber, else maintenance → blue, else up', () => {
		expect(dayClass(counts({ up: 1400, degraded: 1 }), 1)).toBe('a');
		expect(dayClass(counts({ up: 1400, maintenance: 40 }), 1)).toBe('m');
		expect(dayClass(counts({ up: 1440 }), 1)).toBe('u');
		expect(dayClass(counts({ maintenance: 1440 }), 1)).toBe('m');
	});
	it('weighs down + 0.3 × degraded minutes: < 20 amber, 20-59 red, ≥ 60 severe', () => {
		expect(dayClass(counts({ up: 1420, down: 19 }), 1)).toBe('a');
		expect(dayClass(counts({ up: 1420, down: 20 }), 1)).toBe('r');
		expect(dayClass(counts({ up: 1380, down: 59 }), 1)).toBe('r');
		expect(dayClass(counts({ up: 1380, down: 60 }), 1)).toBe('s');
		// 10 down + 0.3 × 40 degraded = 22 → red
		expect(dayClass(counts({ up: 1390, down: 10, degraded: 40 }), 1)).toBe('r');
		// 10 down + 0.3 × 30 degraded = 19 → amber
		expect(dayClass(counts({ up: 1390, down: 10, degraded: 30 }), 1)).toBe('a');
	});
	it('counts minutes as checks × the slot length', () => {
		// 4 DOWN checks every 5 minutes = 20 minutes down → red; every 5 s = 20 s → amber.
		expect(dayClass(counts({ up: 284, down: 4 }), slotMs('*/5 * * * *') / 60_000)).toBe('r');
		expect(dayClass(counts({ up: 17000, down: 4 }), slotMs('*/5 * * * * *') / 60_000)).toBe('a');
		// 240 DOWN checks at 5 s = 20 minutes → red.
		expect(dayClass(counts({ up: 17000, down: 240 }), slotMs('*/5 * * * * *') / 60_000)).toBe('r');
	});
	it('never counts maintenance as down', () => {
		expect(dayClass(counts({ up: 100, maintenance: 1340 }), 1)).toBe('m');
	});
});

describe('partly checked days', () => {
	it('draws a day under 95 % of its slots partly, rounded to 2 places', () => {
		expect(partialCoverage('u', 0.5)).toBe(0.5);
		expect(partialCoverage('r', 0.123)).toBe(0.12);
		expect(partialCoverage('a', 0.949)).toBe(0.95);
	});
	it('draws whole days and no-data days whole', () => {
		expect(partialCoverage('u', 0.95)).toBeNull();
		expect(partialCoverage('s', 1)).toBeNull();
		expect(partialCoverage('n', 0)).toBeNull();
	});
});

describe('legend', () => {
	it('states the thresholds the rule uses', () => {
		expect(DAY_LEGEND.map(([, w]) => w)).toEqual([
			'up',
			'degraded or < 20 min down',
			'20–59 min down',
			'≥ 1 h down',
			'maintenance',
			'no data'
		]);
		// Each threshold's words agree with dayClass at its edges.
		expect(dayClass(counts({ down: 19 }), 1)).toBe(DAY_LEGEND[1][0]);
		expect(dayClass(counts({ down: 20 }), 1)).toBe(DAY_LEGEND[2][0]);
		expect(dayClass(counts({ down: 59 }), 1)).toBe(DAY_LEGEND[2][0]);
		expect(dayClass(counts({ down: 60 }), 1)).toBe(DAY_LEGEND[3][0]);
	});
});
