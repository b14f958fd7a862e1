import { describe, expect, it } from 'vitest';
import { checkCron, describeCron, nextSlot } from './cron';

describe('checkCron', () => {
	it('accepts five fields and six with seconds, and measures the interval', () => {
		expect(checkCron('* * * * *')).toEqual({ ok: true, intervalMs: 60_000 });
		expect(checkCron('*/30 * * * * *')).toEqual({ ok: true, intervalMs: 30_000 });
		expect(checkCron('*/5 * * * * *')).toEqual({ ok: true, intervalMs: 5_000 });
	});
	it('refuses intervals under 5 s', () => {
		const r = checkCron('* * * * * *');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error).toMatch(/every 1 s; the shortest allowed interval is 5 s/);
	});
	it('names the bad field of a malformed expression', () => {
		const r = checkCron('61 * * * *');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error).toMatch(/minute: 61/);
		expect(checkCron('every minute').ok).toBe(false);
	});
});

describe('nextSlot', () => {
	it('is strictly after the given time', () => {
		expect(nextSlot('* * * * *', new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe('2026-01-01T00:01:00.000Z');
		expect(nextSlot('*/10 * * * * *', new Date('2026-01-01T00:00:01Z'))?.toISOString()).toBe('2026-01-01T00:00:10.000Z');
	});
});

describe('describeCron', () => {
	it('says common schedules in words', () => {
		expect(describeCron('* * * * *')).toBe('every minute');
		expect(describeCron('*/30 * * * * *')).toBe('every 30 seconds');
		expect(describeCron('*/5 * * * *')).toBe('every 5 minutes');
		expect(describeCron('0 * * * *')).toBe('every hour');
		expect(describeCron('15 9 * * 1')).toBe('15 9 * * 1');
	});
});
