// The 90-day bar's drawing, client-safe: one SVG per row, one
// <path> per colour class, each day a 6-unit rectangle on a pitch of 8, plus
// its label and pointer maths. It draws class letters and does not decide
// them: a day's colour comes from the day rule in $lib/day-colour. Used on the
// server (first paint) and in the browser (live refresh) alike, by the home
// rows, the monitor page and the embed.
import type { DayClass } from './day-colour';

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

/** Tailwind background classes, for the legend's swatches. */
export const CLASS_BG: Record<DayClass, string> = {
	u: 'bg-up',
	a: 'bg-degraded',
	r: 'bg-down',
	s: 'bg-severe',
	m: 'bg-maintenance',
	n: 'bg-nodata'
};

/** Tailwind stroke classes for the runs of whole days. */
export const CLASS_STROKE: Record<DayClass, string> = {
	u: 'stroke-up',
	a: 'stroke-degraded',
	r: 'stroke-down',
	s: 'stroke-severe',
	m: 'stroke-maintenance',
	n: 'stroke-nodata'
};

const round = (v: number) => Math.round(v * 10) / 10;

export interface BarPath {
	cls: DayClass;
	/** stroke: runs of whole days drawn as one dashed line each; fill: partly filled days. */
	kind: 'stroke' | 'fill';
	path: string;
}

/**
 * Path data per class. Consecutive days of one class are one line segment
 * stroked 32 units wide with a 6-on/2-off dash, so a run of k days is one
 * "M x 16h len" however long it is (the dash pattern restarts at each
 * subpath): a quiet row is a few dozen bytes, not 90 rectangles. `partial`
 * lists [day index, coverage] for partly checked days: grey in the runs,
 * with the colour filled from the bottom at that share of the height.
 */
export function barPaths(d: string, partial: [number, number][] = []): BarPath[] {
	const cov = new Map(partial);
	const runs: Record<DayClass, string> = { u: '', a: '', r: '', s: '', m: '', n: '' };
	const fills: Record<DayClass, string> = { u: '', a: '', r: '', s: '', m: '', n: '' };
	const eff = (k: number) => (cov.has(k) ? 'n' : d[k]) as DayClass;
	let i = 0;
	while (i < d.length) {
		const c = eff(i);
		let j = i + 1;
		while (j < d.length && eff(j) === c) j++;
		if (c in runs) runs[c] += `M${i * BAR_PITCH} 16h${(j - i) * BAR_PITCH - (BAR_PITCH - BAR_SEG)}`;
		i = j;
	}
	for (const [k, c] of cov) {
		const cls = d[k] as DayClass;
		if (!(cls in fills) || cls === 'n') continue;
		const h = Math.max(1, round(BAR_HEIGHT * c));
		fills[cls] += `M${k * BAR_PITCH} ${round(BAR_HEIGHT - h)}h${BAR_SEG}v${h}h-${BAR_SEG}z`;
	}
	const out: BarPath[] = [];
	for (const cls of CLASS_ORDER) if (runs[cls]) out.push({ cls, kind: 'stroke', path: runs[cls] });
	for (const cls of CLASS_ORDER) if (fills[cls]) out.push({ cls, kind: 'fill', path: fills[cls] });
	return out;
}

/** The days a stroke path covers (for tests and tools): "M8 16h22" → 1, 2, 3. */
export function strokeDays(path: string): number[] {
	const out: number[] = [];
	for (const m of path.matchAll(/M(\d+) 16h(\d+)/g)) {
		const first = Number(m[1]) / BAR_PITCH;
		const n = (Number(m[2]) + (BAR_PITCH - BAR_SEG)) / BAR_PITCH;
		for (let k = 0; k < n; k++) out.push(first + k);
	}
	return out;
}

const shortFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });

/** "14 Oct" for day i of a bar starting on firstDay (YYYY-MM-DD). */
export function barDay(firstDay: string, i: number): string {
	const t = Date.parse(`${firstDay}T12:00:00Z`) + i * 86_400_000;
	return shortFmt.format(t);
}

/** "API gateway, 90 days: 86 up, 2 degraded, 1 down (worst 14 Oct, 42 min), 1 no data; 99.96 % uptime" */
export function barLabelText(name: string, d: string, w: [number, number] | null, uptime: number | null, firstDay: string): string {
	const c: Record<DayClass, number> = { u: 0, a: 0, r: 0, s: 0, m: 0, n: 0 };
	for (const ch of d) if (ch in c) c[ch as DayClass]++;
	const down = c.r + c.s;
	const worst = w ? ` (worst ${barDay(firstDay, w[0])}, ${Math.round(w[1] * 10) / 10} min)` : '';
	const parts = [`${c.u} up`, `${c.a} degraded`, `${down} down${down ? worst : ''}`];
	if (c.m) parts.push(`${c.m} maintenance`);
	parts.push(`${c.n} no data`);
	const up = uptime === null ? 'no uptime data' : `${(Math.floor(uptime * 10000) / 100).toFixed(2)} % uptime`;
	return `${name}, ${d.length} days: ${parts.join(', ')}; ${up}`;
}

/** The day index under a pointer at clientX over a bar whose box is rect. */
export function dayIndexAt(clientX: number, rect: { left: number; width: number }, days = BAR_DAYS): number {
	const units = ((clientX - rect.left) / rect.width) * BAR_WIDTH;
	return Math.max(0, Math.min(days - 1, Math.floor((units + (BAR_PITCH - BAR_SEG) / 2) / BAR_PITCH)));
}
