// Day classes for the embed's 90-day bar (UI.md §4), client-safe. A stand-in
// until the home page's bar component (issue 3) is shared: same rule, simpler
// drawing (no partial-coverage fill, no tooltip).

/** u up · a amber (degraded, or down under 20 min) · r red (20–59 min) · s severe (≥ 60 min) · m maintenance · n no data */
export type DayClass = 'u' | 'a' | 'r' | 's' | 'm' | 'n';

export interface DayCounts {
	up: number;
	degraded: number;
	down: number;
	maintenance: number;
}

/**
 * Statuspage-style minute thresholds: W = down + 0.3 × degraded minutes,
 * minutes = checks × slot length. Degraded-only days never turn red.
 */
export function dayClass(c: DayCounts | undefined, slotMinutes: number): DayClass {
	if (!c || c.up + c.degraded + c.down + c.maintenance === 0) return 'n';
	if (c.down === 0) {
		if (c.degraded > 0) return 'a';
		if (c.maintenance > 0) return 'm';
		return 'u';
	}
	const w = (c.down + 0.3 * c.degraded) * slotMinutes;
	if (w < 20) return 'a';
	if (w < 60) return 'r';
	return 's';
}

/** The last `n` calendar days ending at `today` (YYYY-MM-DD), oldest first. */
export function lastDays(today: string, n: number): string[] {
	const out: string[] = [];
	const d = new Date(`${today}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() - (n - 1));
	for (let i = 0; i < n; i++) {
		out.push(d.toISOString().slice(0, 10));
		d.setUTCDate(d.getUTCDate() + 1);
	}
	return out;
}

export const DAY_WIDTH = 6;
export const DAY_PITCH = 8;

/** One SVG path per class, each day a rectangle: ~6 nodes per bar instead of 90 (UI.md §4). */
export function barPaths(classes: DayClass[], height: number): Partial<Record<DayClass, string>> {
	const paths: Partial<Record<DayClass, string>> = {};
	classes.forEach((c, i) => {
		paths[c] = (paths[c] ?? '') + `M${i * DAY_PITCH} 0h${DAY_WIDTH}v${height}h-${DAY_WIDTH}z`;
	});
	return paths;
}
