import { describe, expect, it } from 'vitest';
import { windowBounds, windowFromJson, windowToJson } from './stored';
import { nextOccurrences, type RecurringWindow } from './recurrence';

describe('stored maintenance windows', () => {
	it('round-trips a one-off window through JSON with its overrides', () => {
		const w = { start: new Date('2026-12-01T10:00:00Z'), end: new Date('2026-12-01T11:00:00Z') };
		const json = JSON.parse(JSON.stringify(windowToJson(w)));
		const endedAt = new Date('2026-12-01T10:30:00Z');
		expect(windowFromJson(json, [], endedAt)).toEqual({ ...w, cancelled: [], endedAt });
		expect(windowBounds(w)).toEqual({ firstStart: w.start, lastEnd: w.end });
	});

	it('round-trips a recurring window, dropping cancelled starts that are not instants', () => {
		const w: RecurringWindow = {
			rrule: 'FREQ=DAILY;BYHOUR=2',
			dtstart: '2026-03-28T02:00',
			durationMinutes: 60,
			timeZone: 'Europe/Berlin'
		};
		const back = windowFromJson(JSON.parse(JSON.stringify(windowToJson(w))), ['2026-03-29T01:00:00.000Z', 'garbage'], null);
		expect(back).toEqual({ ...w, cancelled: [new Date('2026-03-29T01:00:00.000Z')], endedAt: null });
		expect(windowFromJson({ rrule: 'FREQ=DAILY' }, [], null)).toBeNull();
		expect(windowFromJson({ start: 'x', end: 'y' }, [], null)).toBeNull();
	});

	it('bounds a recurring window by its first and last occurrence, across a DST change', () => {
		// Berlin goes to summer time on 2026-03-29: 02:00 local does not exist and starts at 03:00 (01:00Z).
		const w: RecurringWindow = {
			rrule: 'FREQ=DAILY;COUNT=3',
			dtstart: '2026-03-28T02:00',
			durationMinutes: 60,
			timeZone: 'Europe/Berlin'
		};
		const b = windowBounds(w);
		expect(b.firstStart.toISOString()).toBe('2026-03-28T01:00:00.000Z');
		const all = nextOccurrences(w, new Date('2026-03-27T00:00:00Z'), 10);
		expect(all).toHaveLength(3);
		expect(b.lastEnd?.toISOString()).toBe(all[2].end.toISOString());
		expect(b.lastEnd?.toISOString()).toBe('2026-03-30T01:00:00.000Z');
	});

	it('leaves an unbounded rule without a last end, and a first start on the first matching day', () => {
		const w: RecurringWindow = { rrule: 'FREQ=WEEKLY;BYDAY=SU', dtstart: '2026-12-01T22:30', durationMinutes: 90, timeZone: 'UTC' };
		// 2026-12-01 is a Tuesday: the first occurrence is Sunday the 6th.
		expect(windowBounds(w)).toEqual({ firstStart: new Date('2026-12-06T22:30:00Z'), lastEnd: null });
	});
});

describe('windowBounds of rules that fire rarely', () => {
	// Every fourth year: walked to the year 9999 to find the last one, 14 s each, before the scan was bounded.
	const feb29 = 'FREQ=MINUTELY;INTERVAL=5;BYMONTH=2;BYMONTHDAY=29;BYHOUR=0;BYMINUTE=0';
	const base = { dtstart: '2024-01-01T00:00', durationMinutes: 5, timeZone: 'UTC' };

	it('bounds UNTIL far away by UNTIL, and leaves a long COUNT unbounded, at once', () => {
		const started = performance.now();
		expect(windowBounds({ ...base, rrule: `${feb29};UNTIL=99991231T000000Z` })).toEqual({
			firstStart: new Date('2024-02-29T00:00:00Z'),
			lastEnd: new Date('9999-12-31T00:05:00Z')
		});
		expect(windowBounds({ ...base, rrule: `${feb29};COUNT=10000` })).toEqual({
			firstStart: new Date('2024-02-29T00:00:00Z'),
			lastEnd: null
		});
		expect(performance.now() - started).toBeLessThan(1000);
	});

	it('still finds the last occurrence when it is within reach', () => {
		expect(windowBounds({ ...base, rrule: `${feb29};COUNT=3` }).lastEnd).toEqual(new Date('2032-02-29T00:05:00Z'));
		expect(windowBounds({ ...base, rrule: `${feb29};UNTIL=20330101T000000Z` }).lastEnd).toEqual(new Date('2032-02-29T00:05:00Z'));
	});
});

describe('windowFromJson of hand-edited rows', () => {
	const daily = { rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=0', dtstart: '2026-03-28T02:00', durationMinutes: 60, timeZone: 'UTC' };

	it('reads a rule that never fires, or a duration no save accepts, as not a window', () => {
		// Never fires: rrule walked it to the year 9999 on every expansion, minutes per list with the probe loop held.
		expect(windowFromJson({ ...daily, rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' }, [], null)).toBeNull();
		expect(windowFromJson({ ...daily, durationMinutes: 1e308 }, [], null)).toBeNull();
		expect(windowFromJson({ ...daily, durationMinutes: -5 }, [], null)).toBeNull();
		expect(windowFromJson({ rrule: 5 }, [], null)).toBeNull();
		expect(windowFromJson('junk' as unknown as Record<string, unknown>, [], null)).toBeNull();
		expect(windowFromJson(daily, [], null)).toEqual({ ...daily, cancelled: [], endedAt: null });
	});

	it('skips cancelled and cut entries that are not lists of instants instead of throwing', () => {
		expect(windowFromJson(daily, { a: 1 }, null, 'x')).toEqual({ ...daily, cancelled: [], endedAt: null });
		expect(windowFromJson(daily, [1, null, '2026-03-29T02:00:00.000Z'], null, [{ start: 1 }, null, 'x'])).toEqual({
			...daily,
			cancelled: [new Date('2026-03-29T02:00:00.000Z')],
			endedAt: null
		});
	});
});
