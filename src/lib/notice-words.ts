// Words for incidents and maintenance, for the admin pages in the browser and
// on the server (Intl only). The lists are the same as lib/server/incidents/
// model.ts's, which the browser cannot import; notice-words.server.test.ts
// keeps the two equal.
import { dayKey, hm, longDay, zoneLabel } from './time';

export const STATE_WORDS = {
	investigating: 'Investigating',
	identified: 'Identified',
	monitoring: 'Monitoring',
	resolved: 'Resolved'
} as const;
export type StateName = keyof typeof STATE_WORDS;
export const STATES = Object.keys(STATE_WORDS) as StateName[];

export const IMPACT_WORDS = { none: 'None', minor: 'Minor', major: 'Major', critical: 'Critical' } as const;
export type ImpactName = keyof typeof IMPACT_WORDS;
export const IMPACTS = Object.keys(IMPACT_WORDS) as ImpactName[];

/** The badge tone of an impact (ui/variants' BadgeTone): minor is amber, major and critical red, none neutral. */
export const IMPACT_TONE = { none: 'nodata', minor: 'degraded', major: 'down', critical: 'down' } as const;

/** RRULE presets the maintenance form offers; the time of day comes from the start. */
export const RRULE_PRESETS: { label: string; rrule: string }[] = [
	{ label: 'Daily', rrule: 'FREQ=DAILY' },
	{ label: 'Weekdays', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
	...(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const).map((d, i) => ({
		label: `Weekly on ${['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][i]}`,
		rrule: `FREQ=WEEKLY;BYDAY=${d}`
	})),
	{ label: 'Monthly, first Sunday', rrule: 'FREQ=MONTHLY;BYDAY=1SU' }
];

/** "Tue 14 Oct 2026, 14:03 UTC" in the zone. */
export function when(t: Date | string | number, timeZone: string): string {
	const d = new Date(t);
	return `${longDay(dayKey(d, timeZone))}, ${hm(d, timeZone)} ${zoneLabel(timeZone)}`;
}

/** "Tue 14 Oct 2026, 02:00–03:00 UTC", or both days when the window crosses midnight in the zone; the zone left off for a list headed by it. */
export function span(start: Date | string | number, end: Date | string | number, timeZone: string, withZone = true): string {
	const s = new Date(start);
	const e = new Date(end);
	const zone = withZone ? ` ${zoneLabel(timeZone)}` : '';
	if (dayKey(s, timeZone) === dayKey(e, timeZone)) return `${longDay(dayKey(s, timeZone))}, ${hm(s, timeZone)}–${hm(e, timeZone)}${zone}`;
	return `${longDay(dayKey(s, timeZone))}, ${hm(s, timeZone)} – ${longDay(dayKey(e, timeZone))}, ${hm(e, timeZone)}${zone}`;
}
