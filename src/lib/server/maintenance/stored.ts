// A maintenance window as the database keeps it: the validated window as JSON
// (instants as ISO strings), and the bounds of all its occurrences, so range
// reads (what is on or coming, what the probe loop must know) need not expand
// every rule in the table.
import { DAY, MINUTE, isRecurring, nextOccurrences, wallRule, type MaintenanceWindow } from './recurrence';
import { validateWindow } from './validate-window';
import { fromWall } from '$lib/time';

/** Occurrences looked at to find a bounded rule's last one; a rule with more is treated as unbounded (always loaded). */
const LAST_SCAN = 10_000;
/**
 * Years past dtstart looked at for it: a rule that fires every fourth year
 * (BYMONTH=2;BYMONTHDAY=29) with UNTIL in 9999 or COUNT=10000 was walked day by
 * day to the year 9999, 14 s on the event loop per save.
 */
const LAST_SCAN_YEARS = 50;

/** The window's own fields as JSON (cancelled occurrences and a manual end are stored beside it). */
export function windowToJson(w: MaintenanceWindow): Record<string, unknown> {
	if (!isRecurring(w)) return { start: w.start.toISOString(), end: w.end.toISOString() };
	return { rrule: w.rrule, dtstart: w.dtstart, durationMinutes: w.durationMinutes, timeZone: w.timeZone };
}

/**
 * Recurring windows as stored, checked once each by the validator a save
 * runs. A rule that never fires (a hand-edited row) is walked by rrule to the
 * year 9999 on every expansion, which held the event loop, the probe loop
 * with it, for minutes per list; such a row reads as not a window.
 */
const storedValid = new Map<string, boolean>();

function validStored(json: Record<string, unknown>): boolean {
	const key = JSON.stringify([json.rrule, json.dtstart, json.durationMinutes, json.timeZone]);
	let ok = storedValid.get(key);
	if (ok === undefined) {
		ok = validateWindow({ rrule: json.rrule, dtstart: json.dtstart, durationMinutes: json.durationMinutes, timeZone: json.timeZone }).ok;
		if (storedValid.size >= 10_000) storedValid.clear();
		storedValid.set(key, ok);
	}
	return ok;
}

/** The stored window back, with its overrides; null when the JSON is not a window (never written by Porthole). */
export function windowFromJson(
	json: Record<string, unknown>,
	cancelled: unknown,
	endedAt: Date | null,
	cuts: unknown = []
): MaintenanceWindow | null {
	const valid = (d: Date) => !Number.isNaN(d.getTime());
	// The lists are jsonb: a hand-edited row may hold anything, and one bad row must not stop the others loading.
	const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
	const cutList = list(cuts)
		.filter((c): c is { start: unknown; end: unknown } => typeof c === 'object' && c !== null)
		.map((c) => ({ start: new Date(String(c.start)), end: new Date(String(c.end)) }))
		.filter((c) => valid(c.start) && valid(c.end));
	const overrides = {
		cancelled: list(cancelled)
			.filter((s) => typeof s === 'string')
			.map((s) => new Date(s))
			.filter(valid),
		endedAt,
		...(cutList.length ? { cuts: cutList } : {})
	};
	if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
	if (typeof json.rrule === 'string') {
		const { rrule, dtstart, durationMinutes, timeZone } = json;
		if (typeof dtstart !== 'string' || typeof durationMinutes !== 'number' || typeof timeZone !== 'string') return null;
		if (!validStored(json)) return null;
		return { rrule, dtstart, durationMinutes, timeZone, ...overrides };
	}
	if ('rrule' in json) return null;
	const start = new Date(String(json.start));
	const end = new Date(String(json.end));
	if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return null;
	return { start, end, ...overrides };
}

/** When the first occurrence starts and the last one ends (null: the rule has no end, or too many occurrences to scan). */
export function windowBounds(w: MaintenanceWindow): { firstStart: Date; lastEnd: Date | null } {
	if (!isRecurring(w)) return { firstStart: w.start, lastEnd: w.end };
	const rule = wallRule(w);
	if (!rule) throw new Error('window does not parse: validate it first');
	const dtstart = rule.options.dtstart.getTime();
	const [first] = nextOccurrences({ ...w, cancelled: [], endedAt: null }, new Date(fromWall(dtstart, w.timeZone) - DAY), 1);
	if (!first) throw new Error('window never fires: validate it first');
	const { count, until } = rule.options;
	if (count === null && until === null) return { firstStart: first.start, lastEnd: null };
	const end = (wall: number) => new Date(fromWall(wall, w.timeZone) + w.durationMinutes * MINUTE);
	const scanEnd = dtstart + LAST_SCAN_YEARS * 365.25 * DAY;
	const found = rule.between(new Date(dtstart), new Date(scanEnd), true, (_d, i) => i < LAST_SCAN);
	const complete = found.length > 0 && found.length < LAST_SCAN && (count !== null ? found.length === count : until!.getTime() <= scanEnd);
	if (complete) return { firstStart: first.start, lastEnd: end(found.at(-1)!.getTime()) };
	// Not found in the scan: UNTIL still bounds it from above (an occurrence starts at UNTIL at the latest); a long COUNT is unbounded.
	return { firstStart: first.start, lastEnd: until ? end(until.getTime()) : null };
}
