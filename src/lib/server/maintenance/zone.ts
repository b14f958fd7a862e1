// Wall-clock time in an IANA zone, for maintenance windows. A "wall" value is
// a local date-time written as epoch ms of the same fields in UTC (2026-03-29
// 02:00 in Berlin is Date.UTC(2026, 2, 29, 2)): recurrence rules are expanded
// on those, then each is turned into a real instant here. Everything goes
// through Intl with an explicit zone, never the process's TZ, so the answers
// do not depend on the machine the server runs on.

const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
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
		formatters.set(timeZone, f);
	}
	return f;
}

/** Whether Intl knows the zone (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isTimeZone(timeZone: string): boolean {
	if (typeof timeZone !== 'string' || timeZone === '') return false;
	try {
		formatter(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** The wall value (see the header) of an instant in the zone, to the second. */
export function toWall(instant: number, timeZone: string): number {
	const p: Record<string, number> = {};
	for (const x of formatter(timeZone).formatToParts(new Date(instant))) if (x.type !== 'literal') p[x.type] = Number(x.value);
	return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) + (((instant % 1000) + 1000) % 1000);
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
	const before = toWall(wall - DAY, timeZone) - (wall - DAY);
	const after = toWall(wall + DAY, timeZone) - (wall + DAY);
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

/** The calendar day (YYYY-MM-DD) the instant falls on in the zone. */
export function localDay(instant: number, timeZone: string): string {
	return new Date(toWall(instant, timeZone)).toISOString().slice(0, 10);
}

/** The first instant of a calendar day in the zone (by the rule of fromWall, a day whose midnight is skipped starts at the jump). */
export function dayStart(day: string, timeZone: string): number {
	return fromWall(Date.parse(`${day}T00:00:00Z`), timeZone);
}

/** The day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
	return new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}
