// Client-safe geometry of the 90-day bar (UI.md §4): one SVG per row, one
// <path> per colour class, each day a 6-unit rectangle on a pitch of 8. The
// server computes the class letters; this file only draws them, on the server
// (first paint) and in the browser (live refresh) alike.

/** u up · a amber (degraded or < 20 weighted min down) · r red (20-59) · s severe (≥ 60) · m maintenance · n no data */
export type DayClass = 'u' | 'a' | 'r' | 's' | 'm' | 'n';

export const BAR_DAYS = 90;
export const BAR_PITCH = 8;
export const BAR_SEG = 6;
export const BAR_HEIGHT = 32;
export const BAR_WIDTH = (BAR_DAYS - 1) * BAR_PITCH + BAR_SEG; // 718

/** Drawing order: grey first so a partial day's colour sits over nothing. */
export const CLASS_ORDER: DayClass[] = ['n', 'u', 'm', 'a', 'r', 's'];

/** Tailwind fill classes, spelled out so the scanner sees them. */
export const CLASS_FILL: Record<DayClass, string> = {
	u: 'fill-up',
	a: 'fill-degraded',
	r: 'fill-down',
	s: 'fill-severe',
	m: 'fill-maintenance',
	n: 'fill-nodata'
};

export const CLASS_WORD: Record<DayClass, string> = {
	u: 'up',
	a: 'degraded',
	r: 'down',
	s: 'down',
	m: 'maintenance',
	n: 'no data'
};

const round = (v: number) => Math.round(v * 10) / 10;

/**
 * Path data per class. `partial` lists [day index, coverage] for partly checked
 * days: their colour fills that share of the height from the bottom, grey above.
 */
export function barPaths(d: string, partial: [number, number][] = []): { cls: DayClass; path: string }[] {
	const cov = new Map(partial);
	const parts: Record<DayClass, string[]> = { u: [], a: [], r: [], s: [], m: [], n: [] };
	for (let i = 0; i < d.length; i++) {
		const cls = d[i] as DayClass;
		if (!(cls in parts)) continue;
		const x = i * BAR_PITCH;
		const c = cov.get(i);
		if (c === undefined || cls === 'n') {
			parts[cls].push(`M${x} 0h${BAR_SEG}v${BAR_HEIGHT}h-${BAR_SEG}z`);
		} else {
			const h = Math.max(1, round(BAR_HEIGHT * c));
			const top = round(BAR_HEIGHT - h);
			if (top > 0) parts.n.push(`M${x} 0h${BAR_SEG}v${top}h-${BAR_SEG}z`);
			parts[cls].push(`M${x} ${top}h${BAR_SEG}v${h}h-${BAR_SEG}z`);
		}
	}
	return CLASS_ORDER.filter((c) => parts[c].length > 0).map((cls) => ({ cls, path: parts[cls].join('') }));
}

/** The day index under a pointer at clientX over a bar whose box is rect. */
export function dayIndexAt(clientX: number, rect: { left: number; width: number }, days = BAR_DAYS): number {
	const units = ((clientX - rect.left) / rect.width) * BAR_WIDTH;
	return Math.max(0, Math.min(days - 1, Math.floor((units + (BAR_PITCH - BAR_SEG) / 2) / BAR_PITCH)));
}

/** Counts per class word, for the bar's aria-label. */
export function classCounts(d: string): Record<'up' | 'degraded' | 'down' | 'maintenance' | 'no data', number> {
	const out = { up: 0, degraded: 0, down: 0, maintenance: 0, 'no data': 0 };
	for (const ch of d) out[CLASS_WORD[ch as DayClass] as keyof typeof out]++;
	return out;
}
