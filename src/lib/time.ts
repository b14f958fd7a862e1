// Time and wording, one module for the server's queries and view models (and
// safe in the browser: Intl only). Calendar days are in the site's time zone
// (an IANA name from config, never the process's TZ). A day runs from one
// local midnight to the next, so it lasts 23 or 25 hours on DST change days;
// the bar maths needs its true length. Hours are UTC hours.

const DAY_MS = 86_400_000;

/** Start of the UTC hour containing ts. */
export function hourBucket(ts: Date): Date {
	const d = new Date(ts.getTime());
	d.setUTCMinutes(0, 0, 0);
	return d;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of ts in the given IANA time zone. */
export function dayKey(ts: Date, timeZone: string): string {
	let f = dayFormatters.get(timeZone);
	if (!f) {
		// en-CA formats as YYYY-MM-DD.
		f = new Intl.DateTimeFormat('en-CA', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit'
		});
		dayFormatters.set(timeZone, f);
	}
	return f.format(ts);
}

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

/** Whether Intl knows the zone (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isTimeZone(timeZone: string): boolean {
	if (typeof timeZone !== 'string' || timeZone === '') return false;
	try {
		parts(timeZone);
		return true;
	} catch {
		return false;
	}
}

// Wall-clock values, for maintenance windows: a local date-time written as
// epoch ms of the same fields in UTC (2026-03-29 02:00 in Berlin is
// Date.UTC(2026, 2, 29, 2)). Recurrence rules are expanded on those, then
// each is turned into a real instant with fromWall.

/** The wall value of an instant in the zone. */
export function toWall(instant: number, timeZone: string): number {
	return instant + zoneOffsetMs(timeZone, instant);
}

/**
 * The instant a wall value names in the zone, by RFC 5545 §3.3.5: a time that
 * happens twice (the hour DST ends) is the first of the two; a time that does
 * not exist (the hour DST starts) is read with the offset in force before the
 * gap, so 02:00 on the spring-forward night becomes 03:00 of the new offset,
 * the same span after midnight a person would expect. Assumes at most one
 * offset change within a day of the time, which holds for every IANA zone.
 */
export function fromWall(wall: number, timeZone: string): number {
	const before = toWall(wall - DAY_MS, timeZone) - (wall - DAY_MS);
	const after = toWall(wall + DAY_MS, timeZone) - (wall + DAY_MS);
	const candidates = [wall - before, wall - after].filter((t) => toWall(t, timeZone) === wall);
	if (candidates.length) return Math.min(...candidates);
	return wall - before;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses "YYYY-MM-DDTHH:mm[:ss]" (no zone: what a datetime-local input sends) to a wall value; null if malformed or not a real date. */
export function parseLocal(s: string): number | null {
	const m = typeof s === 'string' ? LOCAL.exec(s) : null;
	if (!m) return null;
	const [y, mo, d, h, mi, se] = m.slice(1).map((v) => Number(v ?? 0));
	const wall = Date.UTC(y, mo - 1, d, h, mi, se);
	// Date.UTC rolls 2026-02-30 over to March: refuse instead of moving it.
	const back = new Date(wall);
	if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
	return wall;
}

/** A wall value as "YYYY-MM-DDTHH:mm" (seconds only when not zero). */
export function formatLocal(wall: number): string {
	const s = new Date(wall).toISOString();
	return s.endsWith(':00.000Z') ? s.slice(0, 16) : s.slice(0, 19);
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

/** The first calendar day (YYYY-MM-DD, site zone) of an N-day window ending today. */
export function windowStartDay(days: number, now: Date, timeZone: string): string {
	return addDays(dayKey(now, timeZone), 1 - days);
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

// Date and number wording for the public pages, always in the site zone.

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, kind: 'time' | 'hm' | 'date' | 'short'): Intl.DateTimeFormat {
	const key = `${kind} ${timeZone}`;
	let f = cache.get(key);
	if (!f) {
		const o: Intl.DateTimeFormatOptions =
			kind === 'time'
				? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
				: kind === 'hm'
					? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
					: kind === 'date'
						? { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }
						: { day: 'numeric', month: 'short' };
		f = new Intl.DateTimeFormat('en-GB', { timeZone, ...o });
		cache.set(key, f);
	}
	return f;
}

/** "14:03:22" in the zone. */
export const clock = (t: Date | number, tz: string) => fmt(tz, 'time').format(t);
/** "14:03" in the zone. */
export const hm = (t: Date | number, tz: string) => fmt(tz, 'hm').format(t);
/** "Tue 14 Oct 2026" (with no comma) for a calendar day string. */
export function longDay(day: string): string {
	return fmt('UTC', 'date')
		.format(new Date(`${day}T12:00:00Z`))
		.replace(/,/g, '');
}
/** "14 Oct" for a calendar day string. */
export const shortDay = (day: string) => fmt('UTC', 'short').format(new Date(`${day}T12:00:00Z`));

/** "29 min", "2 h 14 min", "3 d 4 h", "< 1 min". */
export function duration(ms: number): string {
	const min = Math.floor(ms / 60_000);
	if (min < 1) return '< 1 min';
	if (min < 60) return `${min} min`;
	const h = Math.floor(min / 60);
	if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
	const d = Math.floor(h / 24);
	return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Minutes with at most one decimal: "42 min", "0.5 min". */
export function minutes(m: number): string {
	return `${Math.round(m * 10) / 10} min`;
}

/** Integer with thousands separators: "1,392". */
export const count = (n: number) => n.toLocaleString('en-US');
