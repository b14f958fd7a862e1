// A maintenance window as the database keeps it: the validated window as JSON
// (instants as ISO strings), and the bounds of all its occurrences, so range
// reads (what is on or coming, what the probe loop must know) need not expand
// every rule in the table.
import { DAY, MINUTE, isRecurring, nextOccurrences, wallRule, type MaintenanceWindow } from './recurrence';
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

/** The stored window back, with its overrides; null when the JSON is not a window (never written by Porthole). */
export function windowFromJson(
	json: Record<string, unknown>,
	cancelled: string[],
	endedAt: Date | null,
	cuts: { start: string; end: string }[] = []
): MaintenanceWindow | null {
	const valid = (d: Date) => !Number.isNaN(d.getTime());
	const overrides = {
		cancelled: cancelled.map((s) => new Date(s)).filter(valid),
		endedAt,
		...(cuts.length
			? { cuts: cuts.map((c) => ({ start: new Date(c.start), end: new Date(c.end) })).filter((c) => valid(c.start) && valid(c.end)) }
			: {})
	};
	if (typeof json.rrule === 'string') {
		const { rrule, dtstart, durationMinutes, timeZone } = json;
		if (typeof dtstart !== 'string' || typeof durationMinutes !== 'number' || typeof timeZone !== 'string') return null;
		return { rrule, dtstart, durationMinutes, timeZone, ...overrides };
	}
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
