// Rendered with svelte/server, so it runs in the server project (*.server.test.ts).
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import EmbedBar from './EmbedBar.svelte';
import { barHtml } from '$lib/row-html';
import { embedBar } from '$lib/server/public/embed';
import { calendar, rowBar } from '$lib/server/pages/bar';
import { emptyDayArrays, type DayCounts } from '$lib/server/db/queries/days';

// The embed and the home page draw the same monitor's days: same classes, same
// partly checked days, same markup of paths.
const now = new Date('2026-03-15T12:00:00Z');
const tz = 'UTC';
const cron = '* * * * *';
const cal = calendar(90, now, tz);
const last = cal.days.length - 1;

const c = (up: number, degraded = 0, down = 0, maintenance = 0): DayCounts => ({
	up,
	degraded,
	down,
	maintenance,
	latencySum: 0,
	latencyCount: 0
});
/** Day index from today backwards → counts; the rest have no checks. */
const days = new Map<number, DayCounts>([
	[0, c(1440)],
	[10, c(1420, 0, 20)], // red, whole
	[20, c(700)], // up, half checked
	[30, c(500, 0, 30)], // red, a third checked
	[40, c(1400, 40)], // degraded only
	[50, c(1400, 0, 0, 40)], // maintenance
	[60, c(1380, 0, 60)], // severe
	[last - 1, c(1000, 0, 10)], // amber, partly checked
	[last, c(300)] // today: 300 of the 720 slots so far
]);

function both() {
	const arrays = emptyDayArrays(cal.days.length);
	const rows: (DayCounts & { day: string })[] = [];
	for (const [i, k] of days) {
		arrays.up[i] = k.up;
		arrays.degraded[i] = k.degraded;
		arrays.down[i] = k.down;
		arrays.maintenance[i] = k.maintenance;
		rows.push({ day: cal.days[i], ...k });
	}
	return { home: rowBar(cal, 60_000, arrays).bar, embed: embedBar(rows, cron, tz, now) };
}

const paths = (html: string) => [...html.matchAll(/<path class="([^"]+)" d="([^"]+)"/g)].map((m) => [m[1], m[2]]);

describe('embed bar and home bar', () => {
	it('classify every day identically, partly checked days included', () => {
		const { home, embed } = both();
		expect(embed.d).toBe(home.d);
		expect(embed.p).toEqual(home.p);
		expect(embed.w).toEqual(home.w);
		expect(home.d[20]).toBe('u');
		expect(home.d[30]).toBe('r');
		expect(home.p).toEqual([
			[20, 0.49],
			[30, 0.37],
			[last - 1, 0.7],
			[last, 0.42]
		]);
	});

	it('draw the same paths', () => {
		const { home, embed } = both();
		const homeHtml = barHtml({ tag: 't', name: 'T', ...home, firstDay: cal.days[0], uptime90: null, uptime30: null });
		const embedHtml = render(EmbedBar, { props: { d: embed.d, p: embed.p, label: 'T' } }).body;
		expect(paths(embedHtml)).toEqual(paths(homeHtml));
		expect(paths(embedHtml).some(([cls]) => cls === 'fill-down')).toBe(true);
	});
});
