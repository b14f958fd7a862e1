// Date and number wording for the public pages, always in the site zone.
import { zoneLabel } from './zone';

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, kind: 'time' | 'hm' | 'date' | 'short' | 'weekday'): Intl.DateTimeFormat {
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
						: kind === 'short'
							? { day: 'numeric', month: 'short' }
							: { weekday: 'short', day: 'numeric', month: 'short' };
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
	return fmt('UTC', 'date').format(new Date(`${day}T12:00:00Z`)).replace(/,/g, '');
}
/** "14 Oct" for a calendar day string. */
export const shortDay = (day: string) => fmt('UTC', 'short').format(new Date(`${day}T12:00:00Z`));
/** "Tue 14 Oct" for an instant in the zone. */
export const weekdayDate = (t: Date | number, tz: string) => fmt(tz, 'weekday').format(t).replace(/,/g, '');

export { zoneLabel };

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
