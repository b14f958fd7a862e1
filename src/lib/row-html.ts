// The home page's rows as plain strings, for server and browser
// alike. A page of 1,000 monitors spent most of its server time running the
// same three components 1,000 times and serialising their output; a row's
// markup depends only on what it shows, so it is built by one function and
// memoised by that visible content: a live refresh rebuilds only the rows
// whose words, colours or numbers changed. StatusWord and UptimeBar render
// through the same functions, so every page draws the same markup.
//
// Everything interpolated is escaped here (esc/attr); the tests feed names
// such as `"><script>` through it.
import { barLabelText, barPaths, BAR_HEIGHT, BAR_PITCH, BAR_SEG, BAR_WIDTH, CLASS_FILL, CLASS_STROKE } from './bar';
import { formatUptime, STATUS_ICON, STATUS_INK, STATUS_WORD, type Shown } from './status';
import { IMPACT_STROKE, type Impact } from './notice-words';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESC_ANY = /[&<>"']/;
const ESC_ALL = /[&<>"']/g;

/** Text or attribute value, escaped for HTML. */
export function esc(s: string): string {
	return ESC_ANY.test(s) ? s.replace(ESC_ALL, (c) => ESC[c]) : s;
}

/** Never colour alone: icon shape and word in the state's ink. */
export function statusWordHtml(status: Shown, cls = ''): string {
	return `<span class="sw ${STATUS_INK[status]}${cls ? ` ${esc(cls)}` : ''}" data-status="${status}"><span aria-hidden="true">${STATUS_ICON[status]}</span>${STATUS_WORD[status]}</span>`;
}

export interface BarProps {
	tag: string;
	name: string;
	/** 90 class letters, oldest first. */
	d: string;
	/** [day index, coverage] of partly checked days. */
	p: [number, number][];
	/** Worst day by down minutes: [index, minutes]. */
	w: [number, number] | null;
	firstDay: string;
	uptime90: number | null;
	uptime30: number | null;
	/** Days with an incident: [day index, impact 0-3, …] (the worst impact of each day). */
	m?: number[];
}

const IMPACT_OF: Impact[] = ['none', 'minor', 'major', 'critical'];

/**
 * The 2 px marks under the days that had an incident, in the impact's
 * colour (UI.md §10), in a 4 px strip that takes the place of the legend's
 * top margin, so a row with marks is as tall as one without.
 */
export function incidentMarksHtml(m: number[] | undefined): string {
	if (!m || m.length < 2) return '';
	const byImpact: Record<string, string> = {};
	for (let i = 0; i + 1 < m.length; i += 2) {
		const cls = IMPACT_STROKE[IMPACT_OF[m[i + 1]] ?? 'none'];
		byImpact[cls] = (byImpact[cls] ?? '') + `M${m[i] * BAR_PITCH} 3h${BAR_SEG}`;
	}
	let paths = '';
	for (const [cls, d] of Object.entries(byImpact)) paths += `<path class="${cls}" d="${d}"/>`;
	return `<div class="bar-u" aria-hidden="true"><svg viewBox="0 0 ${BAR_WIDTH} 4" preserveAspectRatio="none">${paths}</svg></div>`;
}

const pct = (u: number | null) => (u === null ? 'no data' : `${formatUptime(u * 100)} uptime`);

/**
 * The 90-day bar: one SVG, one <path> per colour class (runs of days as
 * dashed strokes, partly checked days as fills). One tab stop, described as
 * an image; the page's BarInteraction reads data-tag / data-d for its keys
 * and tooltips. Below 640 px CSS shows the last 30 days (.bar > svg).
 */
export function barHtml(b: BarProps): string {
	let paths = '';
	for (const x of barPaths(b.d, b.p))
		paths += `<path class="${x.kind === 'stroke' ? CLASS_STROKE[x.cls] : CLASS_FILL[x.cls]}" d="${x.path}"/>`;
	const marked = b.m ? b.m.length >> 1 : 0;
	const label =
		barLabelText(b.name, b.d, b.w, b.uptime90, b.firstDay) + (marked ? `; incidents on ${marked} day${marked === 1 ? '' : 's'}` : '');
	return (
		`<div class="bar" tabindex="0" role="img" aria-label="${esc(label)}" data-bar data-tag="${esc(b.tag)}" data-d="${esc(b.d)}">` +
		`<svg viewBox="0 0 ${BAR_WIDTH} ${BAR_HEIGHT}" preserveAspectRatio="none" aria-hidden="true">${paths}</svg></div>` +
		incidentMarksHtml(b.m) +
		// The legend's ends ("90 days ago" / "30 days ago", "Today") are CSS content (.bar-l): the same on every row.
		`<div class="bar-l"><span class="n30">${pct(b.uptime30)}</span><span class="n90" data-uptime>${pct(b.uptime90)}</span></div>`
	);
}

export interface RowProps {
	tag: string;
	name: string;
	description: string;
	status: Shown;
	bar: { d: string; p: [number, number][]; w: [number, number] | null };
	uptime90: number | null;
	uptime30: number | null;
	/** Incident marks (BarProps.m). */
	m?: number[];
}

/** One home-page row: a fixed-height <li> (.mrow), so a live refresh never shifts layout. */
export function monitorRowHtml(row: RowProps, firstDay: string): string {
	const tag = esc(row.tag);
	const name = esc(row.name);
	const desc = row.description ? ` <span class="mrow-d" title="${esc(row.description)}">${esc(row.description)}</span>` : '';
	return (
		`<li class="mrow" data-tag="${tag}" data-row><div class="mrow-h"><div class="mrow-n">` +
		`<a href="/monitors/${encodeURIComponent(row.tag)}" class="shrink-0 hover:underline">${name}</a>${desc}</div> ` +
		statusWordHtml(row.status, 'text-sm') +
		`</div> ` +
		barHtml({
			tag: row.tag,
			name: row.name,
			d: row.bar.d,
			p: row.bar.p,
			w: row.bar.w,
			firstDay,
			uptime90: row.uptime90,
			uptime30: row.uptime30,
			m: row.m
		}) +
		`</li>`
	);
}

/**
 * A row as the home page carries it (SSR payload and /home.json): a flat
 * tuple, because devalue spends ~6 ms per request on 1,000 rows of nested
 * objects and ~2 ms on tuples. p is flattened to [day, coverage, day, …].
 */
export type PackedRow = [
	tag: string,
	name: string,
	description: string,
	status: Shown,
	d: string,
	p: number[],
	w: [number, number] | null,
	uptime90: number | null,
	uptime30: number | null,
	/** Incident marks, [day, impact, …]; absent when none. */
	m?: number[]
];

export function packRow(r: RowProps): PackedRow {
	const p: number[] = [];
	for (const [i, c] of r.bar.p) p.push(i, c);
	const t: PackedRow = [r.tag, r.name, r.description, r.status, r.bar.d, p, r.bar.w, r.uptime90, r.uptime30];
	if (r.m?.length) t.push(r.m);
	return t;
}

export function unpackRow(t: PackedRow): RowProps {
	const p: [number, number][] = [];
	for (let i = 0; i + 1 < t[5].length; i += 2) p.push([t[5][i], t[5][i + 1]]);
	const r: RowProps = {
		tag: t[0],
		name: t[1],
		description: t[2],
		status: t[3],
		bar: { d: t[4], p, w: t[6] },
		uptime90: t[7],
		uptime30: t[8]
	};
	if (t[9]?.length) r.m = t[9];
	return r;
}

/** Rows kept by visible content; cleared when it outgrows a few pages' worth. */
const MEMO_MAX = 20_000;
const memo = new Map<string, string>();

/**
 * monitorRowHtml, memoised by everything the row shows (uptimes as the
 * label and legend print them), so unchanged rows cost one lookup.
 */
export function cachedRowHtml(r: PackedRow, firstDay: string): string {
	const w = r[6];
	const key = `${r[0]}\u0000${r[1]}\u0000${r[2]}\u0000${r[3]}\u0000${r[4]}\u0000${r[5].join(',')}\u0000${w ? `${w[0]},${Math.round(w[1] * 10)}` : ''}\u0000${pct(r[7])}\u0000${pct(r[8])}\u0000${firstDay}\u0000${r[9]?.join(',') ?? ''}`;
	let html = memo.get(key);
	if (html === undefined) {
		if (memo.size >= MEMO_MAX) memo.clear();
		html = monitorRowHtml(unpackRow(r), firstDay);
		memo.set(key, html);
	}
	return html;
}
