// The embed's 90-day bar (UI.md §4), client-safe: the day rule is the shared
// one in $lib/bar; the drawing is simpler (no partial-coverage fill, no tooltip).

import { dayClass, type DayClass } from '../../bar';

export { dayClass, type DayClass };

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
