import { describe, expect, it } from 'vitest';
import { dayKey, hourBucket, windowStartDay } from './time';

describe('buckets', () => {
	it('cuts hours on UTC hours', () => {
		expect(hourBucket(new Date('2026-03-08T10:59:59.999Z')).toISOString()).toBe('2026-03-08T10:00:00.000Z');
	});
	it('cuts days at midnight in the site zone, not UTC', () => {
		const ts = new Date('2026-06-01T23:30:00Z');
		expect(dayKey(ts, 'UTC')).toBe('2026-06-01');
		expect(dayKey(ts, 'Europe/Berlin')).toBe('2026-06-02'); // 01:30 CEST
		expect(dayKey(ts, 'America/New_York')).toBe('2026-06-01'); // 19:30 EDT
		expect(dayKey(new Date('2026-06-01T12:00:00Z'), 'Pacific/Kiritimati')).toBe('2026-06-02'); // UTC+14
	});
});

const NOW = new Date('2026-06-30T12:30:00Z');

describe('windowStartDay', () => {
	it('counts today as the first day of the window, in the site zone', () => {
		expect(windowStartDay(7, NOW, 'UTC')).toBe('2026-06-24');
		expect(windowStartDay(1, new Date('2026-06-30T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-07-01');
	});
});
