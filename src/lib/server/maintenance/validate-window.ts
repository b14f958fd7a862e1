// Validation of a maintenance window as an admin or a deploy pipeline sends
// it: every field checked, each error naming its field, and a rule that never
// fires, fires more often than every MIN_GAP_MINUTES or outlasts its own gap
// refused before anything is saved.
import type { Options, RRule as RRuleType } from 'rrule';
import {
	DAY,
	MAX_DURATION_MINUTES,
	MINUTE,
	MIN_GAP_MINUTES,
	RRule,
	parseRule,
	wallRule,
	type MaintenanceWindow,
	type RecurringWindow
} from './recurrence';

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);
/** Times a day (BYHOUR × BYMINUTE × BYSECOND) a MONTHLY or YEARLY rule may give. */
const MAX_TIMES_PER_DAY = 24;
const count = (v: unknown) => (Array.isArray(v) ? v.length : 1);
const timesPerDay = (o: Partial<Options>) => count(o.byhour) * count(o.byminute) * count(o.bysecond);

/** How far past dtstart a rule must fire at least once to count as firing at all. */
const FIRST_FIRE_YEARS = 10;
/** How many first occurrences the gap checks look at (enough to see every BYxxx list repeat). */
const GAP_SAMPLE = 500;
import type { FieldError, Validated } from '../monitors/validate';
import { formatLocal, isTimeZone, parseLocal } from '$lib/time';

// ---- validation ----------------------------------------------------------

const isDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

function toDate(v: unknown): Date | null {
	if (isDate(v)) return v;
	// Only ISO strings with an explicit offset: "2026-03-29T02:00" alone would be read in the server's zone.
	if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
		const d = new Date(v);
		return isDate(d) ? d : null;
	}
	return null;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const all = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Why a rule can never fire, found without expanding it: rrule walks period
 * by period to the year 9999 when nothing matches, which takes a minute for a
 * daily rule and hours for an hourly one. Checks the day parts on a yearly
 * copy (a year per step; its days are a superset of the rule's), and whether
 * INTERVAL steps from dtstart can reach the BYHOUR/BYMINUTE/BYSECOND times
 * and the BYDAY weekdays at all. Rules that pass still find their first
 * occurrence quickly, or at worst in seconds.
 */
function neverFires(rule: RRuleType, startWall: number, horizon: Date): string | null {
	const o = rule.options;
	const yearly = new RRule({
		freq: RRule.YEARLY,
		dtstart: new Date(startWall - (startWall % DAY)),
		until: o.until,
		bymonth: o.bymonth,
		bymonthday: [...(o.bymonthday ?? []), ...(o.bynmonthday ?? [])],
		byyearday: o.byyearday,
		byweekno: o.byweekno,
		byweekday: rule.origOptions.byweekday ?? null,
		tzid: null
	});
	if (yearly.between(yearly.options.dtstart, horizon, true, (_d, i) => i < 1).length === 0)
		return 'no day matches its BYMONTH, BYMONTHDAY, BYDAY, BYYEARDAY and BYWEEKNO parts';
	const unit = { [RRule.HOURLY]: 3600, [RRule.MINUTELY]: 60, [RRule.SECONDLY]: 1, [RRule.DAILY]: 86400 }[o.freq as number];
	if (!unit) return null;
	const step = unit * o.interval;
	if (unit < 86400) {
		// Counted in the rule's own unit: an hourly rule steps through hours
		// (each hour then expands to its BYMINUTE/BYSECOND times), a minutely one
		// through minutes of the day, a secondly one through seconds.
		const g = gcd(o.interval, 86400 / unit);
		const t0 = Math.floor((startWall % DAY) / 1000 / unit);
		const hours = o.byhour?.length ? o.byhour : all(24);
		const minutes = unit <= 60 && o.byminute?.length ? o.byminute : unit <= 60 ? all(60) : [0];
		const seconds = unit === 1 && o.bysecond?.length ? o.bysecond : unit === 1 ? all(60) : [0];
		const hit = hours.some((h) =>
			minutes.some((m) => seconds.some((sec) => (((Math.floor((h * 3600 + m * 60 + sec) / unit) - t0) % g) + g) % g === 0))
		);
		if (!hit) return 'its INTERVAL steps from dtstart never reach its BYHOUR, BYMINUTE and BYSECOND times';
	}
	if (step % 86400 === 0 && o.byweekday?.length) {
		const g = gcd(step / 86400, 7);
		const w0 = (new Date(startWall).getUTCDay() + 6) % 7; // rrule numbers Monday 0
		if (!o.byweekday.some((w) => (((w - w0) % g) + g) % g === 0)) return 'its INTERVAL steps from dtstart never land on its BYDAY weekdays';
	}
	return null;
}

/**
 * Smallest distance between consecutive occurrences among the first ones, in
 * wall minutes (the rule's own spacing, not DST's). Only up to `horizon`: a
 * rule that fires every fourth year (BYMONTH=2;BYMONTHDAY=29) would otherwise
 * be walked day by day for 2,000 years to find GAP_SAMPLE of them, seconds to
 * minutes per request; ten years see every BYxxx list repeat.
 */
function smallestGap(rule: RRuleType, horizon: Date): number | null {
	let prev: number | null = null;
	let gap: number | null = null;
	rule.between(rule.options.dtstart, horizon, true, (d, i) => {
		const t = d.getTime();
		if (prev !== null) gap = Math.min(gap ?? Infinity, (t - prev) / MINUTE);
		prev = t;
		return i + 1 < GAP_SAMPLE && (gap === null || gap >= MIN_GAP_MINUTES);
	});
	return gap;
}

function minutesText(m: number): string {
	if (m < 1) return `${Math.round(m * 60)} seconds`;
	if (m >= 60 && m % 60 === 0) return `${m / 60} hour${m === 60 ? '' : 's'}`;
	return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * Checks a window as it comes from a form or the API: a one-off {start, end}
 * (Dates or ISO strings with an offset) or a recurring {rrule, dtstart,
 * durationMinutes, timeZone}. Errors name the field; nothing is guessed.
 */
export function validateWindow(input: unknown): Validated<MaintenanceWindow> {
	const errors: FieldError[] = [];
	const err = (path: string, message: string) => errors.push({ path, message });
	if (typeof input !== 'object' || input === null)
		return {
			ok: false,
			errors: [{ path: '', message: 'must be an object with start and end, or rrule, dtstart, durationMinutes and timeZone' }]
		};
	const o = input as Record<string, unknown>;

	if (!('rrule' in o)) {
		const start = toDate(o.start);
		const end = toDate(o.end);
		if (!start) err('start', 'must be a date and time with a zone offset, e.g. 2026-03-29T02:00:00Z');
		if (!end) err('end', 'must be a date and time with a zone offset, e.g. 2026-03-29T03:00:00Z');
		if (start && end) {
			const minutes = (end.getTime() - start.getTime()) / MINUTE;
			if (minutes <= 0) err('end', 'must be after start');
			else if (minutes > MAX_DURATION_MINUTES) err('end', `must be at most ${minutesText(MAX_DURATION_MINUTES)} after start`);
		}
		return errors.length ? { ok: false, errors } : { ok: true, value: { start: start!, end: end! } };
	}

	const timeZone = o.timeZone;
	if (typeof timeZone !== 'string' || !isTimeZone(timeZone))
		err('timeZone', `must be an IANA time zone such as "Europe/Berlin", got ${JSON.stringify(timeZone ?? null)}`);
	const dtstart = typeof o.dtstart === 'string' ? o.dtstart : '';
	const startWall = parseLocal(dtstart);
	if (startWall === null) err('dtstart', `must be a local date and time "YYYY-MM-DDTHH:mm", got ${JSON.stringify(o.dtstart ?? null)}`);
	// A counted rule is walked from dtstart on every question (it cannot be moved
	// forward), so a start centuries back would cost seconds each time.
	else if (startWall < EARLIEST || startWall >= LATEST)
		err('dtstart', `must be in the years 2000 to 2199, got ${JSON.stringify(o.dtstart)}`);
	const duration = o.durationMinutes;
	const durationOk = typeof duration === 'number' && Number.isInteger(duration) && duration > 0 && duration <= MAX_DURATION_MINUTES;
	if (!durationOk)
		err(
			'durationMinutes',
			`must be a whole number of minutes from 1 to ${MAX_DURATION_MINUTES} (${minutesText(MAX_DURATION_MINUTES)}), got ${JSON.stringify(duration ?? null)}`
		);
	const parsed = parseRule(o.rrule as string);
	if (!parsed.ok) err('rrule', parsed.message);
	else if (
		timesPerDay(parsed.options) > MAX_TIMES_PER_DAY &&
		(parsed.options.freq === RRule.MONTHLY || parsed.options.freq === RRule.YEARLY)
	)
		// rrule builds each month or year whole: 12 times an hour all year is 105,000 dates per question.
		err('rrule', `a MONTHLY or YEARLY rule may fire at most ${MAX_TIMES_PER_DAY} times a day; use FREQ=DAILY, HOURLY or MINUTELY`);
	if (errors.length) return { ok: false, errors };

	const value: RecurringWindow = {
		rrule: (o.rrule as string).trim(),
		dtstart: formatLocal(startWall!),
		durationMinutes: duration as number,
		timeZone: timeZone as string
	};
	const rule = wallRule(value)!;
	const horizon = new Date(startWall! + FIRST_FIRE_YEARS * 365.25 * DAY);
	const until = rule.options.until?.getTime();
	const never = until !== undefined && until < startWall! ? 'UNTIL is before dtstart' : neverFires(rule, startWall!, horizon);
	if (never || rule.between(new Date(startWall!), horizon, true, (_d, i) => i < 1).length === 0) {
		err('rrule', `never fires within ${FIRST_FIRE_YEARS} years of dtstart: ${never ?? 'check COUNT and UNTIL'}`);
		return { ok: false, errors };
	}
	const gap = smallestGap(rule, horizon);
	if (gap !== null && gap < MIN_GAP_MINUTES)
		err('rrule', `fires ${minutesText(gap)} apart; occurrences must be at least ${MIN_GAP_MINUTES} minutes apart`);
	else if (gap !== null && (duration as number) > gap)
		err(
			'durationMinutes',
			`${minutesText(duration as number)} is longer than the ${minutesText(gap)} between occurrences; windows would overlap`
		);
	return errors.length ? { ok: false, errors } : { ok: true, value };
}
