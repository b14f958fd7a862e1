import { describe, expect, it } from 'vitest';
import { barHtml, cachedRowHtml, esc, monitorRowHtml, packRow, statusWordHtml, unpackRow, type RowProps } from './row-html';
import { strokeDays } from './bar';

const row = (over: Partial<RowProps> = {}): RowProps => ({
	tag: 'api',
	name: 'API gateway',
	description: 'Public API',
	status: 'UP',
	bar: { d: 'u'.repeat(88) + 'rn', p: [[88, 0.5]], w: [88, 25] },
	uptime90: 0.99987,
	uptime30: 0.9996,
	...over
});

/** Parse as the browser would, to check structure rather than substrings. */
function dom(html: string) {
	return new DOMParser().parseFromString(`<ul>${html}</ul>`, 'text/html');
}

describe('row markup', () => {
	it('escapes every interpolated value', () => {
		expect(esc(`a"b'<c>&`)).toBe('a&quot;b&#39;&lt;c&gt;&amp;');
		expect(esc('plain')).toBe('plain');
		const evil = `"><script>alert(1)</script>`;
		const html = monitorRowHtml(row({ name: evil, description: evil, tag: 'x"y' }), '2026-04-11');
		expect(html).not.toContain('<script>');
		const doc = dom(html);
		expect(doc.querySelectorAll('script')).toHaveLength(0);
		expect(doc.querySelector('a')!.textContent).toBe(evil);
		expect(doc.querySelector('.mrow-d')!.getAttribute('title')).toBe(evil);
		expect(doc.querySelector('[data-bar]')!.getAttribute('aria-label')).toContain(evil);
		expect(doc.querySelector('li')!.getAttribute('data-tag')).toBe('x"y');
		expect(doc.querySelector('a')!.getAttribute('href')).toBe('/monitors/x%22y');
	});

	it('draws the status word, bar paths, label and legend from the row', () => {
		const doc = dom(monitorRowHtml(row(), '2026-04-11'));
		const sw = doc.querySelector('[data-status]')!;
		expect(sw.getAttribute('data-status')).toBe('UP');
		expect(sw.textContent).toBe('✓Operational');
		expect(sw.className).toBe('sw text-up-ink text-sm');
		const bar = doc.querySelector('[data-bar]')!;
		expect(bar.getAttribute('data-d')).toHaveLength(90);
		expect(bar.getAttribute('tabindex')).toBe('0');
		const up = bar.querySelector('path.stroke-up')!.getAttribute('d')!;
		expect(strokeDays(up)).toHaveLength(88);
		// Day 88 is partly checked: grey in the runs, red filled from the bottom to half the height.
		expect(bar.querySelector('path.stroke-down')).toBeNull();
		expect(bar.querySelector('path.fill-down')!.getAttribute('d')).toBe('M704 16h6v16h-6z');
		expect(bar.getAttribute('aria-label')).toBe(
			'API gateway, 90 days: 88 up, 0 degraded, 1 down (worst 8 Jul, 25 min), 1 no data; 99.98 % uptime'
		);
		expect(doc.querySelector('[data-uptime]')!.textContent).toBe('99.98 % uptime');
		expect(doc.querySelector('.bar-l .n30')!.textContent).toBe('99.96 % uptime');
	});

	it('a bar carries its tag (the Enter target), escaped', () => {
		const html = barHtml({
			tag: 'a"b',
			name: 'n',
			d: 'uu',
			p: [],
			w: null,
			firstDay: '2026-01-01',
			uptime90: null,
			uptime30: null
		});
		const el = dom(html).querySelector('[data-bar]')!;
		expect(el.getAttribute('data-tag')).toBe('a"b');
		expect(dom(html).querySelector('[data-uptime]')!.textContent).toBe('no data');
	});

	it('statusWord: never colour alone, extra class escaped', () => {
		for (const s of ['UP', 'DEGRADED', 'DOWN', 'MAINTENANCE', 'NODATA'] as const) {
			const el = dom(statusWordHtml(s)).querySelector('[data-status]')!;
			expect(el.textContent!.length).toBeGreaterThan(2);
			expect(el.querySelector('[aria-hidden]')!.textContent).not.toBe('');
		}
		expect(statusWordHtml('DOWN', '"x')).toContain('class="sw text-down-ink &quot;x"');
	});

	it('packs and unpacks losslessly', () => {
		const r = row({
			bar: {
				d: 'un',
				p: [
					[0, 0.25],
					[1, 0.5]
				],
				w: null
			},
			uptime30: null
		});
		expect(unpackRow(packRow(r))).toEqual(r);
		expect(unpackRow(JSON.parse(JSON.stringify(packRow(r))))).toEqual(r);
	});

	it('the memo answers what it shows: any visible change gives new markup, equal content the same', () => {
		const first = cachedRowHtml(packRow(row()), '2026-04-11');
		expect(first).toBe(monitorRowHtml(row(), '2026-04-11'));
		expect(cachedRowHtml(packRow(row()), '2026-04-11')).toBe(first);
		// An uptime change below what is printed (two decimals, rounded down) keeps the markup.
		expect(cachedRowHtml(packRow(row({ uptime90: 0.99988 })), '2026-04-11')).toBe(first);
		const changes: Partial<RowProps>[] = [
			{ status: 'DOWN' },
			{ name: 'API' },
			{ description: '' },
			{ uptime90: 0.9997 },
			{ uptime30: null },
			{ bar: { d: 'u'.repeat(89) + 'r', p: [[88, 0.5]], w: [88, 25] } },
			{ bar: { d: 'u'.repeat(88) + 'rn', p: [[88, 0.6]], w: [88, 25] } },
			{ bar: { d: 'u'.repeat(88) + 'rn', p: [[88, 0.5]], w: [88, 30] } }
		];
		for (const c of changes) {
			const html = cachedRowHtml(packRow(row(c)), '2026-04-11');
			expect(html).not.toBe(first);
			expect(html).toBe(monitorRowHtml(row(c), '2026-04-11'));
		}
		expect(cachedRowHtml(packRow(row()), '2026-04-12')).not.toBe(first);
	});
});
