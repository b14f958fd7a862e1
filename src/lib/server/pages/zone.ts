// Calendar days in the site's time zone (an IANA name from config, never the
// process's TZ). A day runs from one local midnight to the next, so it lasts
// 23 or 25 hours on DST change days; the bar maths needs its true length.
import { dayKey } from '../rollup';

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function parts(timeZone: string): Intl.DateTimeFormat {
	let f = partFormatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		partFormatters.set(timeZone, f);
	}
	return f;
}

/** The zone's offset from UTC at instant t, in ms (positive east of Greenwich). */
export function zoneOffsetMs(timeZone: string, t: number): number {
	const p: Record<string, number> = {};
	for (const x of parts(timeZone).formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
	return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

const midnights = new Map<string, number>();

/** The instant (epoch ms) the calendar day `day` (YYYY-MM-DD) begins in the zone (memoised: pages ask 90 × monitors times). */
export function zonedMidnight(day: string, timeZone: string): number {
	const key = `${timeZone} ${day}`;
	let t = midnights.get(key);
	if (t === undefined) {
		if (midnights.size > 20_000) midnights.clear();
		t = computeMidnight(day, timeZone);
		midnights.set(key, t);
	}
	return t;
}

function computeMidnight(day: string, timeZone: string): number {
	const [y, m, d] = day.split('-').map(Number);
	const local = Date.UTC(y, m - 1, d);
	// The offset at the guess may differ from the offset at midnight: try both.
	// A zone whose DST jump skips midnight itself starts the day at the jump.
	const t1 = local - zoneOffsetMs(timeZone, local);
	const t2 = local - zoneOffsetMs(timeZone, t1);
	const starts = (t: number) => dayKey(new Date(t), timeZone) === day && dayKey(new Date(t - 1), timeZone) !== day;
	return starts(t2) ? t2 : starts(t1) ? t1 : Math.min(t1, t2);
}

/** The date `n` days after `day` (negative n goes back). */
export function addDays(day: string, n: number): string {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/** The last `n` calendar days in the zone, oldest first, ending with today. */
export function lastDays(n: number, now: Date, timeZone: string): string[] {
	const today = dayKey(now, timeZone);
	return Array.from({ length: n }, (_, i) => addDays(today, i - (n - 1)));
}

/** Length of the calendar day in ms: 24 h, or 23/25 h on DST change days. */
export function dayLengthMs(day: string, timeZone: string): number {
	return zonedMidnight(addDays(day, 1), timeZone) - zonedMidnight(day, timeZone);
}

/** A short label for the zone, e.g. "UTC", "Europe/Berlin". */
export function zoneLabel(timeZone: string): string {
	return timeZone === 'Etc/UTC' ? 'UTC' : timeZone;
}
