// The day rule: how one day's check counts, its coverage and its maintenance
// minutes become one colour class. This is the only place that decides a
// day's colour: the server classifies every day here (home rows, monitor page,
// embed, JSON) and sends class letters; the browser's legend takes its
// thresholds and words from here too, so it stays client-safe: no server imports.

/** u up · a amber (degraded, or under AMBER_UNDER weighted min down) · r red · s severe (SEVERE_FROM and over) · m maintenance · n no data */
export type DayClass = 'u' | 'a' | 'r' | 's' | 'm' | 'n';

/** A degraded minute weighs 30 % of a down minute (Statuspage, Instatus). */
export const DEGRADED_WEIGHT = 0.3;
/** Weighted down minutes below this are amber, not red. */
export const AMBER_UNDER = 20;
/** Weighted down minutes from this on are severe. */
export const SEVERE_FROM = 60;
/** Below this share of the expected slots a day is drawn only partly filled. */
export const FULL_COVERAGE = 0.95;

export interface ClassCounts {
	up: number;
	degraded: number;
	down: number;
	maintenance: number;
}

/**
 * The colour class of one day. W = down + 0.3 × degraded minutes, minutes =
 * checks × slot length: under 20 amber, 20-59 red, 60 and over severe.
 * Degraded-only days never turn red; maintenance never counts as down.
 */
export function dayClass(c: ClassCounts | undefined, slotMinutes: number): DayClass {
	if (!c || c.up + c.degraded + c.down + c.maintenance === 0) return 'n';
	if (c.down === 0) {
		if (c.degraded > 0) return 'a';
		if (c.maintenance > 0) return 'm';
		return 'u';
	}
	const weighted = (c.down + DEGRADED_WEIGHT * c.degraded) * slotMinutes;
	if (weighted < AMBER_UNDER) return 'a';
	if (weighted < SEVERE_FROM) return 'r';
	return 's';
}

/**
 * The share of a partly checked day that is drawn in its colour (rounded to 2
 * places; grey above it), or null when the day is drawn whole: no-data days
 * and days with at least FULL_COVERAGE of their expected slots checked.
 */
export function partialCoverage(cls: DayClass, coverage: number): number | null {
	return cls !== 'n' && coverage < FULL_COVERAGE ? Math.round(coverage * 100) / 100 : null;
}

/** The legend's words for each class, in the legend's order, with the thresholds above. */
export const DAY_LEGEND: [DayClass, string][] = [
	['u', 'up'],
	['a', `degraded or < ${AMBER_UNDER} min down`],
	['r', `${AMBER_UNDER}–${SEVERE_FROM - 1} min down`],
	['s', `≥ ${SEVERE_FROM / 60} h down`],
	['m', 'maintenance'],
	['n', 'no data']
];
