// Client-safe words and colour classes for incidents and maintenance (UI.md
// §10). Never colour alone: an impact is a word too. Impacts take the bar's
// colours: minor the DEGRADED amber, major the DOWN red, critical the severe
// red, none a neutral border.
export type Impact = 'none' | 'minor' | 'major' | 'critical';
export type NoticeState = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export const IMPACT_WORD: Record<Impact, string> = {
	none: 'No impact',
	minor: 'Minor impact',
	major: 'Major impact',
	critical: 'Critical impact'
};

export const STATE_WORD: Record<NoticeState, string> = {
	investigating: 'Investigating',
	identified: 'Identified',
	monitoring: 'Monitoring',
	resolved: 'Resolved'
};

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
