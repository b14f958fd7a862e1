// Maintenance windows: when they happen, whether one is on now, and how they
// fall on calendar days. A window is one-off (start, end) or recurring (an RFC
// 5545 RRULE from a local start time in an IANA zone, each occurrence lasting
// durationMinutes of elapsed time).
//
// Recurrence is expanded by the `rrule` package on wall-clock values (no
// tzid), and each local start is turned into an instant by zone.ts. rrule's
// own tzid support is not used: it shifts its results by the process's time
// zone (its README's example assumes the machine runs in Los Angeles), and on
// the spring-forward night it puts a 02:00 Berlin start at 01:00 local. Here a
// daily 02:00 stays at 02:00 local on both sides of a DST change, a 02:00 that
// does not exist starts at 03:00 (the new offset), and a 02:00 that happens
// twice starts at the first one (RFC 5545 §3.3.5).
import { createRequire } from 'node:module';
import type { Options, RRule as RRuleType } from 'rrule';
import { addDays, dayKey, fromWall, isTimeZone, parseLocal, toWall, zonedMidnight } from '$lib/time';

// rrule's main entry is a UMD bundle whose exports Node's ESM loader cannot
// name ("Named export 'RRule' not found"); require it instead.
export const { RRule } = createRequire(import.meta.url)('rrule') as typeof import('rrule');

export const MINUTE = 60_000;
export const DAY = 86_400_000;
/** Widest UTC offset in use (+14:00, Kiribati), with room: bounds the wall range to expand for an instant range. */
const ZONE_SLACK = 15 * 3_600_000;

/** Occurrences closer together than this are refused: probes check every minute at most, a window every 2 minutes is noise. */
export const MIN_GAP_MINUTES = 5;
/** Largest COUNT: a counted rule is walked from its start, so its length bounds the work. */
export const MAX_COUNT = 10_000;
/** Longest window: a longer "maintenance" is an outage by another name. */
export const MAX_DURATION_MINUTES = 7 * 24 * 60;

export interface Interval {
	start: Date;
	end: Date;
}

interface WindowOverrides {
	/** Start instants of occurrences cancelled one at a time; they are left out. */
	cancelled?: Date[];
	/** A manual "end now": cuts the occurrence in progress then (a one-off ended before it starts never happens). */
	endedAt?: Date | null;
	/** Occurrences of a recurring window ended early one at a time: `start` names the occurrence, `end` is where it stopped. */
	cuts?: Interval[];
}

export interface OneOffWindow extends WindowOverrides {
	start: Date;
	end: Date;
}

export interface RecurringWindow extends WindowOverrides {
	/** RRULE value without DTSTART, e.g. "FREQ=DAILY;BYHOUR=2;BYMINUTE=0" (an "RRULE:" prefix is allowed). */
	rrule: string;
	/** Local start, "YYYY-MM-DDTHH:mm", in timeZone. */
	dtstart: string;
	durationMinutes: number;
	/** IANA zone the rule's local times are in. */
	timeZone: string;
}

export type MaintenanceWindow = OneOffWindow | RecurringWindow;

export type WindowStateName = 'scheduled' | 'in_progress' | 'completed';

export const isRecurring = (w: MaintenanceWindow): w is RecurringWindow => 'rrule' in w;

// ---- RRULE parsing -------------------------------------------------------

const NUMERIC = [
	'count',
	'interval',
	'bysetpos',
	'bymonth',
	'bymonthday',
	'byyearday',
	'byweekno',
	'byhour',
	'byminute',
	'bysecond'
] as const;

// rrule loops to the year 9999 looking for a match that cannot come, so a
// value out of range is refused before it gets there.
const RANGES: [keyof Options, number, number][] = [
	['byhour', 0, 23],
	['byminute', 0, 59],
	['bysecond', 0, 59],
	['bymonth', 1, 12],
	['bymonthday', -31, 31],
	['byyearday', -366, 366],
	['byweekno', -53, 53],
	['bysetpos', -366, 366]
];

/** Parses an RRULE value to rrule options, or says what is wrong with it. */
export function parseRule(text: string): { ok: true; options: Partial<Options>; untilUtc: boolean } | { ok: false; message: string } {
	if (typeof text !== 'string' || text.trim() === '')
		return { ok: false, message: 'must be an RRULE such as "FREQ=DAILY;BYHOUR=2;BYMINUTE=0"' };
	const value = text.trim().replace(/^RRULE:/i, '');
	if (/[\r\n]/.test(value) || /(^|;)\s*(DTSTART|TZID)\b/i.test(value))
		return { ok: false, message: 'must be one RRULE line; give the start in dtstart and the zone in timeZone' };
	let options: Partial<Options>;
	try {
		options = RRule.parseString(value);
	} catch (err) {
		return { ok: false, message: `does not parse: ${(err as Error).message}` };
	}
	if (typeof options.freq !== 'number' || Number.isNaN(options.freq)) return { ok: false, message: 'needs FREQ (e.g. FREQ=DAILY)' };
	// rrule keeps a non-number such as BYHOUR=abc as a string instead of refusing it.
	for (const key of NUMERIC) {
		const v = options[key] as unknown;
		if (v === undefined || v === null) continue;
		const list = Array.isArray(v) ? v : [v];
		if (!list.every((n) => typeof n === 'number' && Number.isInteger(n)))
			return { ok: false, message: `${key.toUpperCase()} must be a whole number or a list of them, got ${JSON.stringify(v)}` };
	}
	// rrule reads COUNT=0 as "no count", i.e. forever; RFC 5545 means none.
	if (options.count !== undefined && options.count !== null && options.count < 1)
		return { ok: false, message: 'never fires: COUNT must be at least 1' };
	if (options.count !== undefined && options.count !== null && options.count > MAX_COUNT)
		return { ok: false, message: `COUNT must be at most ${MAX_COUNT}; give UNTIL for a longer series` };
	if (options.interval !== undefined && options.interval !== null && options.interval < 1)
		return { ok: false, message: 'INTERVAL must be at least 1' };
	if (options.until && Number.isNaN(options.until.getTime())) return { ok: false, message: 'UNTIL is not a date' };
	for (const [key, lo, hi] of RANGES) {
		const v = options[key] as number | number[] | null | undefined;
		const bad = (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]).find((n) => n < lo || n > hi || (lo < 0 && n === 0));
		if (bad !== undefined)
			return { ok: false, message: `${key.toUpperCase()} must be ${lo < 0 ? `${lo} to ${hi}, not 0` : `${lo}-${hi}`}, got ${bad}` };
	}
	// UNTIL with a Z is an instant; without, a local time like dtstart.
	return { ok: true, options, untilUtc: /UNTIL=\d{8}(T\d{6})?Z/i.test(value) };
}

/** The rule over wall values ($lib/time), or null when window fields do not parse (validateWindow says why). */
export function wallRule(w: RecurringWindow): RRuleType | null {
	const start = parseLocal(w.dtstart);
	const parsed = parseRule(w.rrule);
	if (start === null || !parsed.ok || !isTimeZone(w.timeZone)) return null;
	const opts: Partial<Options> = { ...parsed.options, dtstart: new Date(start), tzid: null };
	if (opts.until && parsed.untilUtc) opts.until = new Date(toWall(opts.until.getTime(), w.timeZone));
	return new RRule(opts);
}

// ---- occurrences ---------------------------------------------------------

const FIXED_PERIOD: Partial<Record<number, number>> = {
	[RRule.WEEKLY]: 7 * DAY,
	[RRule.DAILY]: DAY,
	[RRule.HOURLY]: 3_600_000,
	[RRule.MINUTELY]: MINUTE,
	[RRule.SECONDLY]: 1000
};

/**
 * The rule with its start moved forward, whole periods at a time, to just
 * before wallFrom. rrule walks every period from dtstart, so a 5-minute rule
 * started a year ago costs 100,000 steps per question; moved, a few. Moving by
 * whole periods (INTERVAL × FREQ; whole years for MONTHLY and YEARLY) keeps
 * every occurrence where it was, because wall values have no DST to shift
 * them. A counted rule cannot move (its count starts at dtstart; MAX_COUNT
 * bounds it), nor can a 29 February start by years.
 */
export function ruleNear(rule: RRuleType, wallFrom: number): RRuleType {
	const o = rule.options;
	const start = o.dtstart.getTime();
	if (o.count !== null || wallFrom <= start) return rule;
	const interval = o.interval || 1;
	const fixed = FIXED_PERIOD[o.freq];
	let moved: number | null = null;
	if (fixed) {
		const period = fixed * interval;
		const k = Math.floor((wallFrom - start) / period) - 1;
		if (k > 0) moved = start + k * period;
	} else if (o.freq === RRule.MONTHLY || o.freq === RRule.YEARLY) {
		const d = o.dtstart;
		if (d.getUTCMonth() === 1 && d.getUTCDate() === 29) return rule;
		// A shift must be whole periods and whole years: lcm(INTERVAL, 12) months, or INTERVAL years.
		const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
		const years = o.freq === RRule.MONTHLY ? interval / gcd(interval, 12) : interval;
		const k = Math.floor((new Date(wallFrom).getUTCFullYear() - d.getUTCFullYear()) / years) - 1;
		if (k > 0) {
			const t = new Date(start);
			t.setUTCFullYear(d.getUTCFullYear() + k * years);
			moved = t.getTime();
		}
	}
	return moved === null ? rule : new RRule({ ...rule.origOptions, dtstart: new Date(moved) });
}

/** Occurrences whose start wall value lies in [wallFrom, wallTo], as instants, in order, each start once (a wall time skipped by DST can land on the next one). */
function expand(w: RecurringWindow, wallFrom: number, wallTo: number, stop?: (found: Interval[]) => boolean): Interval[] {
	const full = wallRule(w);
	if (!full) return [];
	const rule = ruleNear(full, wallFrom);
	const out: Interval[] = [];
	const duration = w.durationMinutes * MINUTE;
	let last = -Infinity;
	rule.between(new Date(wallFrom), new Date(wallTo), true, (d) => {
		const start = fromWall(d.getTime(), w.timeZone);
		if (start > last) {
			out.push({ start: new Date(start), end: new Date(start + duration) });
			last = start;
		}
		return !stop?.(out);
	});
	return out;
}

/** Leaves out cancelled occurrences and cuts the one a manual end fell in. */
function applyState(w: MaintenanceWindow, list: Interval[], endedAt = w.endedAt): Interval[] {
	const cancelled = new Set((w.cancelled ?? []).map((d) => d.getTime()));
	const cuts = new Map((w.cuts ?? []).map((c) => [c.start.getTime(), c.end.getTime()]));
	const ended = endedAt ? endedAt.getTime() : null;
	const out: Interval[] = [];
	for (let o of list) {
		if (cancelled.has(o.start.getTime())) continue;
		const cut = cuts.get(o.start.getTime());
		if (cut !== undefined && cut <= o.start.getTime()) continue;
		if (cut !== undefined && cut < o.end.getTime()) o = { start: o.start, end: new Date(cut) };
		if (ended !== null && ended <= o.start.getTime() && !isRecurring(w)) continue;
		if (ended !== null && ended > o.start.getTime() && ended < o.end.getTime()) out.push({ start: o.start, end: new Date(ended) });
		else out.push(o);
	}
	return out;
}

/** Occurrences that overlap [from, to), in UTC, cancelled ones left out and a manual end applied. */
export function occurrences(window: MaintenanceWindow, from: Date, to: Date, endedAt = window.endedAt): Interval[] {
	const f = from.getTime();
	const t = to.getTime();
	let list: Interval[];
	if (!isRecurring(window)) list = [{ start: window.start, end: window.end }];
	else {
		const span = window.durationMinutes * MINUTE;
		list = expand(window, f - span - ZONE_SLACK, t + ZONE_SLACK);
	}
	return applyState(window, list, endedAt).filter((o) => o.start.getTime() < t && o.end.getTime() > f);
}

/** The next n occurrences not yet over at `now` (one in progress comes first), for "the next five" before saving. */
export function nextOccurrences(window: MaintenanceWindow, now: Date, n = 5, endedAt = window.endedAt): Interval[] {
	const t = now.getTime();
	if (!isRecurring(window))
		return applyState(window, [{ start: window.start, end: window.end }], endedAt)
			.filter((o) => o.end.getTime() > t)
			.slice(0, n);
	const found: Interval[] = [];
	const from = t - window.durationMinutes * MINUTE - ZONE_SLACK;
	// Expand in growing spans: a daily rule needs days, a yearly one years, and
	// an unbounded rule must not be expanded to the end of time.
	for (let span = 31 * DAY; found.length < n && span <= 64 * 365 * DAY; span *= 4) {
		const list = applyState(window, expand(window, from, t + span), endedAt).filter((o) => o.end.getTime() > t);
		found.splice(0, found.length, ...list);
	}
	return found.slice(0, n);
}

/** Scheduled before the first occurrence and between them, in_progress during one, completed once none is left. */
export function windowState(window: MaintenanceWindow, now: Date, endedAt = window.endedAt): WindowStateName {
	const [next] = nextOccurrences(window, now, 1, endedAt);
	if (!next) return 'completed';
	return next.start.getTime() <= now.getTime() ? 'in_progress' : 'scheduled';
}

export interface DayPart extends Interval {
	/** Local calendar day, YYYY-MM-DD. */
	day: string;
	/** Minutes of the interval on that day. */
	minutes: number;
	/** Length of that day in minutes: 1440, or 1380/1500 on DST change days. */
	dayMinutes: number;
}

/** The parts of an interval on each local calendar day it touches (a window over midnight counts on both days). */
export function splitByDay(interval: Interval, timeZone: string): DayPart[] {
	const out: DayPart[] = [];
	const end = interval.end.getTime();
	let t = interval.start.getTime();
	let day = dayKey(new Date(t), timeZone);
	while (t < end) {
		const next = addDays(day, 1);
		const dayEnd = zonedMidnight(next, timeZone);
		const partEnd = Math.min(end, dayEnd);
		out.push({
			day,
			start: new Date(t),
			end: new Date(partEnd),
			minutes: (partEnd - t) / MINUTE,
			dayMinutes: (dayEnd - zonedMidnight(day, timeZone)) / MINUTE
		});
		t = partEnd;
		day = next;
	}
	return out;
}
