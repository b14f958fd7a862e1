import { afterEach, describe, expect, it } from 'vitest';
import {
	nextOccurrences,
	occurrences,
	parseRule,
	ruleNear,
	splitByDay,
	wallRule,
	windowState,
	type MaintenanceWindow,
	type RecurringWindow
} from './recurrence';
import { fromWall, toWall } from '$lib/time';
import { validateWindow } from './validate-window';

const iso = (list: { start: Date; end: Date }[]) => list.map((o) => [o.start.toISOString(), o.end.toISOString()]);
const berlinNightly: RecurringWindow = {
	rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=0',
	dtstart: '2026-01-01T02:00',
	durationMinutes: 60,
	timeZone: 'Europe/Berlin'
};
const errorsOf = (input: unknown) => {
	const r = validateWindow(input);
	return r.ok ? [] : r.errors;
};

describe('a daily 02:00-03:00 window in Europe/Berlin', () => {
	it('stays at 02:00 local across the spring change (29 March 2026): 01:00Z in winter, 00:00Z in summer', () => {
		const got = occurrences(berlinNightly, new Date('2026-03-27T12:00:00Z'), new Date('2026-03-31T12:00:00Z'));
		expect(iso(got)).toEqual([
			['2026-03-28T01:00:00.000Z', '2026-03-28T02:00:00.000Z'],
			// 02:00 does not exist that night (clocks jump from 02:00 to 03:00):
			// it is read with the winter offset (RFC 5545), so the window starts at
			// 03:00 CEST = 01:00Z, the moment the clocks jump, and lasts its 60 minutes.
			['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'],
			['2026-03-30T00:00:00.000Z', '2026-03-30T01:00:00.000Z'],
			['2026-03-31T00:00:00.000Z', '2026-03-31T01:00:00.000Z']
		]);
	});

	it('stays at 02:00 local across the autumn change (25 October 2026): 00:00Z in summer, 01:00Z in winter', () => {
		const got = occurrences(berlinNightly, new Date('2026-10-23T12:00:00Z'), new Date('2026-10-27T12:00:00Z'));
		expect(iso(got)).toEqual([
			['2026-10-24T00:00:00.000Z', '2026-10-24T01:00:00.000Z'],
			// 02:00 happens twice that night: the first one (CEST, 00:00Z) is meant.
			['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'],
			['2026-10-26T01:00:00.000Z', '2026-10-26T02:00:00.000Z'],
			['2026-10-27T01:00:00.000Z', '2026-10-27T02:00:00.000Z']
		]);
	});

	describe('whatever the process time zone', () => {
		const saved = process.env.TZ;
		afterEach(() => {
			process.env.TZ = saved;
		});
		it('gives the same instants with TZ=America/Los_Angeles (rrule tzid would not)', () => {
			process.env.TZ = 'America/Los_Angeles';
			const got = occurrences(berlinNightly, new Date('2026-03-29T00:00:00Z'), new Date('2026-03-30T12:00:00Z'));
			expect(got.map((o) => o.start.toISOString())).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z']);
		});
	});

	it('leaves out a cancelled occurrence and lists the next five', () => {
		const w = { ...berlinNightly, cancelled: [new Date('2026-06-02T00:00:00Z')] };
		const next = nextOccurrences(w, new Date('2026-06-01T12:00:00Z'));
		expect(next.map((o) => o.start.toISOString())).toEqual([
			'2026-06-03T00:00:00.000Z',
			'2026-06-04T00:00:00.000Z',
			'2026-06-05T00:00:00.000Z',
			'2026-06-06T00:00:00.000Z',
			'2026-06-07T00:00:00.000Z'
		]);
		expect(occurrences(w, new Date('2026-06-01T12:00:00Z'), new Date('2026-06-02T12:00:00Z'))).toEqual([]);
	});

	it('an hourly rule does not repeat a start when DST skips an hour', () => {
		const hourly: RecurringWindow = { rrule: 'FREQ=HOURLY', dtstart: '2026-03-29T00:00', durationMinutes: 30, timeZone: 'Europe/Berlin' };
		const got = occurrences(hourly, new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T02:30:00Z'));
		// Local 00:00, 01:00, (02:00 = 03:00), 03:00, 04:00: 02:00 and 03:00 are the same instant, listed once.
		expect(got.map((o) => o.start.toISOString())).toEqual([
			'2026-03-28T23:00:00.000Z',
			'2026-03-29T00:00:00.000Z',
			'2026-03-29T01:00:00.000Z',
			'2026-03-29T02:00:00.000Z'
		]);
	});

	it('reads UNTIL with a Z as an instant', () => {
		const w = { ...berlinNightly, rrule: 'FREQ=DAILY;UNTIL=20260105T010000Z' };
		const got = occurrences(w, new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
		expect(got.map((o) => o.start.toISOString())).toEqual([
			'2026-01-01T01:00:00.000Z',
			'2026-01-02T01:00:00.000Z',
			'2026-01-03T01:00:00.000Z',
			'2026-01-04T01:00:00.000Z',
			'2026-01-05T01:00:00.000Z'
		]);
	});
});

describe('windowState', () => {
	const oneOff: MaintenanceWindow = { start: new Date('2026-05-01T10:00:00Z'), end: new Date('2026-05-01T11:00:00Z') };
	it('follows the clock for a one-off window', () => {
		expect(windowState(oneOff, new Date('2026-05-01T09:59:59Z'))).toBe('scheduled');
		expect(windowState(oneOff, new Date('2026-05-01T10:00:00Z'))).toBe('in_progress');
		expect(windowState(oneOff, new Date('2026-05-01T11:00:00Z'))).toBe('completed');
	});

	it('a manual end completes it early, and ended before the start it never happens', () => {
		expect(windowState(oneOff, new Date('2026-05-01T10:30:00Z'), new Date('2026-05-01T10:20:00Z'))).toBe('completed');
		expect(
			occurrences({ ...oneOff, endedAt: new Date('2026-05-01T10:20:00Z') }, new Date(0), new Date('2027-01-01'))[0].end.toISOString()
		).toBe('2026-05-01T10:20:00.000Z');
		expect(windowState(oneOff, new Date('2026-04-30T00:00:00Z'), new Date('2026-04-29T00:00:00Z'))).toBe('completed');
	});

	it('a recurring window is in progress during an occurrence, scheduled between, completed when the rule runs out', () => {
		const w: RecurringWindow = { ...berlinNightly, rrule: 'FREQ=DAILY;COUNT=3' };
		expect(windowState(w, new Date('2025-12-31T12:00:00Z'))).toBe('scheduled');
		expect(windowState(w, new Date('2026-01-02T01:30:00Z'))).toBe('in_progress');
		expect(windowState(w, new Date('2026-01-02T03:00:00Z'))).toBe('scheduled');
		expect(windowState(w, new Date('2026-01-03T02:00:00Z'))).toBe('completed');
	});

	it('ending a recurring occurrence now ends that one only', () => {
		const ended = new Date('2026-01-02T01:15:00Z');
		expect(windowState(berlinNightly, new Date('2026-01-02T01:30:00Z'), ended)).toBe('scheduled');
		const next = nextOccurrences(berlinNightly, new Date('2026-01-02T01:30:00Z'), 1, ended);
		expect(next[0].start.toISOString()).toBe('2026-01-03T01:00:00.000Z');
	});
});

describe('splitByDay', () => {
	it('splits a 23:00-01:00 window into two days with 60 minutes each', () => {
		const parts = splitByDay({ start: new Date('2026-06-09T21:00:00Z'), end: new Date('2026-06-09T23:00:00Z') }, 'Europe/Berlin');
		expect(parts.map((p) => [p.day, p.minutes, p.dayMinutes])).toEqual([
			['2026-06-09', 60, 1440],
			['2026-06-10', 60, 1440]
		]);
		expect(parts[0].end.toISOString()).toBe('2026-06-09T22:00:00.000Z');
	});

	it('knows DST days last 23 and 25 hours', () => {
		const spring = splitByDay({ start: new Date('2026-03-28T23:00:00Z'), end: new Date('2026-03-29T22:00:00Z') }, 'Europe/Berlin');
		expect(spring.map((p) => [p.day, p.minutes, p.dayMinutes])).toEqual([['2026-03-29', 1380, 1380]]);
		const autumn = splitByDay({ start: new Date('2026-10-24T22:00:00Z'), end: new Date('2026-10-25T23:00:00Z') }, 'Europe/Berlin');
		expect(autumn.map((p) => [p.day, p.minutes, p.dayMinutes])).toEqual([['2026-10-25', 1500, 1500]]);
	});
});

describe('validateWindow', () => {
	it('accepts a one-off and a recurring window', () => {
		expect(validateWindow({ start: '2026-05-01T10:00:00Z', end: '2026-05-01T11:00:00+01:00' })).toMatchObject({ ok: false });
		expect(validateWindow({ start: '2026-05-01T10:00:00Z', end: '2026-05-01T13:00:00+02:00' })).toMatchObject({ ok: true });
		expect(validateWindow(berlinNightly)).toEqual({ ok: true, value: berlinNightly });
	});

	it('end before start names end', () => {
		expect(errorsOf({ start: '2026-05-01T10:00:00Z', end: '2026-05-01T09:00:00Z' })).toEqual([
			{ path: 'end', message: 'must be after start' }
		]);
		expect(errorsOf({ start: 'tomorrow', end: '2026-05-01T09:00:00Z' })[0].path).toBe('start');
		expect(errorsOf({ start: '2026-05-01T10:00:00Z', end: '2026-05-20T10:00:00Z' })[0]).toMatchObject({
			path: 'end',
			message: expect.stringContaining('at most')
		});
	});

	it('an unknown zone names timeZone', () => {
		expect(errorsOf({ ...berlinNightly, timeZone: 'Europe/Atlantis' })).toEqual([
			{ path: 'timeZone', message: expect.stringContaining('Europe/Atlantis') }
		]);
	});

	it('an RRULE that does not parse names rrule', () => {
		for (const rrule of [
			'FREQ=FORTNIGHTLY',
			'FREQ=DAILY;FOO=1',
			'BYHOUR=2',
			'FREQ=DAILY;BYHOUR=abc',
			'FREQ=DAILY;BYHOUR=25',
			'DTSTART:20260101T020000\nRRULE:FREQ=DAILY',
			''
		])
			expect(errorsOf({ ...berlinNightly, rrule }), rrule).toEqual([{ path: 'rrule', message: expect.any(String) }]);
	});

	it('a rule that never fires names rrule, and answers quickly', () => {
		const t = performance.now();
		for (const [rrule, why] of [
			['FREQ=DAILY;COUNT=0', 'COUNT'],
			['FREQ=DAILY;UNTIL=20251231T000000Z', 'UNTIL is before dtstart'],
			['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'no day matches'],
			['FREQ=MINUTELY;INTERVAL=5;BYMONTH=4;BYMONTHDAY=31', 'no day matches'],
			['FREQ=HOURLY;INTERVAL=2;BYHOUR=1', 'BYHOUR'],
			['FREQ=DAILY;INTERVAL=7;BYDAY=TU', 'BYDAY']
		])
			expect(errorsOf({ ...berlinNightly, rrule }), rrule).toEqual([{ path: 'rrule', message: expect.stringContaining(why) }]);
		expect(performance.now() - t).toBeLessThan(5000);
	});

	it('a rule firing more often than every 5 minutes names rrule', () => {
		for (const [rrule, gap] of [
			['FREQ=MINUTELY;INTERVAL=2', '2 minutes'],
			['FREQ=SECONDLY;INTERVAL=30', '30 seconds'],
			['FREQ=HOURLY;BYMINUTE=0,3,30', '3 minutes'],
			// The gap across the hour (59 -> 0) counts too.
			['FREQ=HOURLY;BYMINUTE=10,59', '11 minutes']
		]) {
			const errors = errorsOf({ ...berlinNightly, rrule, durationMinutes: 1 });
			if (gap === '11 minutes') expect(errors, rrule).toEqual([]);
			else expect(errors, rrule).toEqual([{ path: 'rrule', message: `fires ${gap} apart; occurrences must be at least 5 minutes apart` }]);
		}
		expect(errorsOf({ ...berlinNightly, rrule: 'FREQ=HOURLY;BYMINUTE=0,57', durationMinutes: 1 })[0].message).toContain(
			'fires 3 minutes apart'
		);
		expect(errorsOf({ ...berlinNightly, rrule: 'FREQ=MINUTELY;INTERVAL=5', durationMinutes: 5 })).toEqual([]);
	});

	it('checks the gap of a rule that fires every fourth year without walking it for centuries', () => {
		// The gap sample (500 occurrences) was walked from dtstart to the year 9999: 3 s for INTERVAL=5, minutes for INTERVAL=7.
		const started = performance.now();
		for (const rrule of [
			'FREQ=MINUTELY;INTERVAL=5;BYMONTH=2;BYMONTHDAY=29;BYHOUR=0;BYMINUTE=0',
			'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=0;BYMINUTE=0'
		])
			expect(errorsOf({ ...berlinNightly, rrule, dtstart: '2024-01-01T00:00', durationMinutes: 5 }), rrule).toEqual([]);
		expect(
			errorsOf({
				...berlinNightly,
				rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=0;BYMINUTE=0,2',
				dtstart: '2024-01-01T00:00',
				durationMinutes: 1
			})
		).toEqual([{ path: 'rrule', message: 'fires 2 minutes apart; occurrences must be at least 5 minutes apart' }]);
		expect(performance.now() - started).toBeLessThan(1500);
	});

	it('a bad duration names durationMinutes, and so does one longer than the gap between occurrences', () => {
		for (const durationMinutes of [0, -5, 1.5, 7 * 24 * 60 + 1, '60'])
			expect(errorsOf({ ...berlinNightly, durationMinutes }), String(durationMinutes)).toEqual([
				{ path: 'durationMinutes', message: expect.stringContaining('whole number of minutes') }
			]);
		expect(errorsOf({ ...berlinNightly, rrule: 'FREQ=HOURLY', durationMinutes: 90 })).toEqual([
			{ path: 'durationMinutes', message: '90 minutes is longer than the 1 hour between occurrences; windows would overlap' }
		]);
	});

	it('a bad dtstart names dtstart', () => {
		expect(errorsOf({ ...berlinNightly, dtstart: '2026-02-30T02:00' })[0].path).toBe('dtstart');
		expect(errorsOf({ ...berlinNightly, dtstart: '2026-02-03T02:00Z' })[0].path).toBe('dtstart');
	});
});

describe('long-running rules', () => {
	// Every answer must be what the rule gives when walked from its start: the
	// shortcut that starts near the asked range may not move any occurrence.
	const walked = (w: RecurringWindow, from: Date, to: Date) => {
		const rule = wallRule(w)!;
		const span = w.durationMinutes * 60_000;
		return rule
			.between(
				new Date(toWall(from.getTime() - span, w.timeZone) - 86_400_000),
				new Date(toWall(to.getTime(), w.timeZone) + 86_400_000),
				true
			)
			.map((d) => fromWall(d.getTime(), w.timeZone))
			.filter((t) => t < to.getTime() && t + span > from.getTime());
	};
	const cases: [string, string, string][] = [
		['FREQ=MINUTELY;INTERVAL=7', '2025-01-01T00:03', 'UTC'],
		['FREQ=HOURLY;INTERVAL=5;BYMINUTE=10,40', '2025-02-03T01:10', 'Europe/Berlin'],
		['FREQ=DAILY;INTERVAL=3;BYHOUR=2', '2025-03-29T02:00', 'Europe/Berlin'],
		['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;BYHOUR=23;BYMINUTE=30', '2025-01-06T23:30', 'America/New_York'],
		['FREQ=MONTHLY;INTERVAL=5;BYDAY=1SU;BYHOUR=4', '2021-01-03T04:00', 'Australia/Sydney'],
		['FREQ=MONTHLY;BYMONTHDAY=31', '2020-01-31T01:00', 'UTC'],
		['FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYDAY=-1SU;BYHOUR=2', '2016-03-27T02:00', 'Europe/Berlin']
	];
	it.each(cases)('%s from %s in %s gives the occurrences of the rule walked from its start', (rrule, dtstart, timeZone) => {
		const w: RecurringWindow = { rrule, dtstart, timeZone, durationMinutes: 4 };
		for (const at of ['2026-03-29T00:00:00Z', '2026-10-25T00:30:00Z', '2026-12-06T07:00:00Z']) {
			const from = new Date(at);
			const to = new Date(from.getTime() + 40 * 86_400_000);
			expect(occurrences(w, from, to).map((o) => o.start.getTime())).toEqual(walked(w, from, to));
		}
	});

	it('starts a 5-minute rule begun ten years ago near the asked time, not at its start', () => {
		const w: RecurringWindow = { rrule: 'FREQ=MINUTELY;INTERVAL=5', dtstart: '2016-01-01T00:00', timeZone: 'UTC', durationMinutes: 2 };
		const now = new Date('2026-12-06T07:01:00Z');
		const near = ruleNear(wallRule(w)!, now.getTime());
		// Within two periods before the asked time: a handful of steps instead of a million.
		expect(now.getTime() - near.options.dtstart.getTime()).toBeGreaterThan(0);
		expect(now.getTime() - near.options.dtstart.getTime()).toBeLessThanOrEqual(10 * 60_000);
		expect(nextOccurrences(w, now, 2).map((o) => o.start.toISOString())).toEqual(['2026-12-06T07:00:00.000Z', '2026-12-06T07:05:00.000Z']);
		// A counted rule stays where it is: its count starts at dtstart.
		const counted = wallRule({ ...w, rrule: 'FREQ=MINUTELY;INTERVAL=5;COUNT=3' })!;
		expect(ruleNear(counted, now.getTime())).toBe(counted);
	});

	it('refuses a COUNT too long to walk', () => {
		expect(parseRule('FREQ=DAILY;COUNT=10001')).toMatchObject({ ok: false, message: expect.stringMatching(/COUNT must be at most 10000/) });
		expect(parseRule('FREQ=DAILY;COUNT=10000')).toMatchObject({ ok: true });
	});
});

describe('rules that would be slow to answer are refused', () => {
	const base = { dtstart: '2026-01-05T02:00', durationMinutes: 5, timeZone: 'UTC' };
	it('refuses a start outside 2000-2199, naming dtstart', () => {
		for (const dtstart of ['0100-01-01T00:00', '1999-12-31T23:59', '2200-01-01T00:00']) {
			const r = validateWindow({ ...base, dtstart, rrule: 'FREQ=DAILY;COUNT=10' });
			expect(r, dtstart).toMatchObject({ ok: false, errors: [{ path: 'dtstart' }] });
		}
		expect(validateWindow({ ...base, dtstart: '2000-01-01T00:00', rrule: 'FREQ=DAILY;COUNT=10' }).ok).toBe(true);
	});
	it('refuses a MONTHLY or YEARLY rule with more than 24 times a day, and takes the same times as a DAILY rule', () => {
		const minutes = 'BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55';
		const hours = 'BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23';
		for (const freq of ['YEARLY', 'MONTHLY']) {
			const r = validateWindow({ ...base, rrule: `FREQ=${freq};BYDAY=MO,TU,WE,TH,FR,SA,SU;${hours};${minutes}` });
			expect(r, freq).toMatchObject({ ok: false, errors: [{ path: 'rrule', message: expect.stringMatching(/at most 24 times a day/) }] });
		}
		expect(validateWindow({ ...base, rrule: `FREQ=DAILY;${hours};${minutes}` }).ok).toBe(true);
		expect(validateWindow({ ...base, rrule: `FREQ=MONTHLY;BYDAY=1SU;${hours}` }).ok).toBe(true);
	});
});
