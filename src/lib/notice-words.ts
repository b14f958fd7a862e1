// Words and colour classes for incidents and maintenance, client-safe (Intl
// only), for the admin pages and the visitors' pages alike. The lists are the
// same as lib/server/incidents/
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

// Visitors' pages: impacts take the bar's colours (UI.md §10): minor the
// DEGRADED amber, major the DOWN red, critical the severe red, none a neutral
// border. Never colour alone: an impact is a word too.
export type Impact = ImpactName;
export type NoticeState = StateName;

export const IMPACT_WORD: Record<Impact, string> = {
	none: 'No impact',
	minor: 'Minor impact',
	major: 'Major impact',
	critical: 'Critical impact'
};

export const STATE_WORD: Record<NoticeState, string> = STATE_WORDS;

/** Card border and tint: the impact's fill at 10 % light / 14 % dark. Spelled out for Tailwind's scanner. */
export const IMPACT_CARD: Record<Impact, string> = {
	none: 'border-border',
	minor: 'border-degraded bg-degraded/10 dark:bg-degraded/14',
	major: 'border-down bg-down/10 dark:bg-down/14',
	critical: 'border-severe bg-severe/10 dark:bg-severe/14'
};

/** The impact word's ink (≥ 4.5:1 on the page and the tint). Critical uses DOWN's ink: the severe fill is for bars only. */
export const IMPACT_INK: Record<Impact, string> = {
	none: 'text-muted',
	minor: 'text-degraded-ink',
	major: 'text-down-ink',
	critical: 'text-down-ink'
};

/** A dot or underline in the impact's fill. */
export const IMPACT_BG: Record<Impact, string> = {
	none: 'bg-nodata',
	minor: 'bg-degraded',
	major: 'bg-down',
	critical: 'bg-severe'
};

/** The bar's under-day mark (an SVG stroke). */
export const IMPACT_STROKE: Record<Impact, string> = {
	none: 'stroke-nodata',
	minor: 'stroke-degraded',
	major: 'stroke-down',
	critical: 'stroke-severe'
};

const RANK: Record<Impact, number> = { none: 0, minor: 1, major: 2, critical: 3 };
export const impactRank = (i: Impact) => RANK[i];
