import { describe, expect, it } from 'vitest';
import { parseColor } from './colors';
import { parseBadgeOptions } from './options';
import {
	latencyContent,
	notFoundContent,
	renderDot,
	renderShieldsJson,
	renderSvg,
	statusContent,
	uptimeContent,
	uptimeText,
	withOptions,
	worstStatus
} from './render';

/**
 * A strict-enough XML well-formedness check (the real parse happens in
 * Chromium in tests/e2e/badges.test.ts): balanced tags, quoted attributes,
 * no raw '<' or stray '&' in text or attribute values.
 */
function assertWellFormed(xml: string) {
	const stack: string[] = [];
	const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
	let m: RegExpExecArray | null;
	let roots = 0;
	while ((m = token.exec(xml))) {
		const [, close, name, attrs, selfClose, text, bad] = m;
		if (bad) throw new Error(`unparsed '<' at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
		const checkAmp = (s: string) => {
			if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(s)) throw new Error(`bare & in ${s}`);
		};
		if (text !== undefined) {
			checkAmp(text);
			continue;
		}
		checkAmp(attrs);
		if (close) {
			if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
		} else if (!selfClose) {
			if (stack.length === 0) roots++;
			stack.push(name);
		} else if (stack.length === 0) roots++;
	}
	if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
	if (roots !== 1) throw new Error(`${roots} root elements`);
}

const q = (s: string) => new URLSearchParams(s);

describe('the well-formedness check itself', () => {
	it.each(['<a><b></a></b>', '<a x=1></a>', '<a>1 < 2</a>', '<a>&nbsp</a>', '<a/><b/>', '<a>'])('rejects %s', (xml) => {
		expect(() => assertWellFormed(xml)).toThrow();
	});
});

describe('badge options', () => {
	it('takes defaults per kind', () => {
		expect(parseBadgeOptions('uptime', q(''))).toEqual({
			ok: true,
			value: { style: 'flat', window: '30d', metric: 'avg', animate: false }
		});
		expect(parseBadgeOptions('latency', q('window=7d&metric=p95&style=for-the-badge'))).toMatchObject({
			ok: true,
			value: { window: '7d', metric: 'p95', style: 'for-the-badge' }
		});
	});

	it('accepts hex and named colours, normalised', () => {
		expect(parseColor('047857')).toBe('#047857');
		expect(parseColor('%23ABC'.replace('%23', '#'))).toBe('#abc');
		expect(parseColor('brightgreen')).toBe('brightgreen');
		expect(parseColor('RebeccaPurple')).toBe('rebeccapurple');
		for (const bad of ['rgb(1,2,3)', '#12345', 'url(#x)', 'red;x', '"><script>', '', 'notacolour', '#ggg']) {
			expect(parseColor(bad), bad).toBeNull();
		}
	});

	it.each([
		['style=round', 'style must be one of flat, flat-square, plastic, for-the-badge, social'],
		['color=javascript:alert(1)', 'color must be a hex colour'],
		['labelColor=hsl(1,2%,3%)', 'labelColor must be a hex colour'],
		['window=1y', 'window must be one of 24h, 7d, 30d, 90d'],
		['metric=p99', 'metric applies to latency badges only'],
		['animate=1', 'animate applies to dot.svg only'],
		[`label=${'x'.repeat(65)}`, 'label must be at most 64 characters'],
		['label=a%00b', 'label must not contain control characters'],
		['style=flat&style=plastic', 'style is given more than once']
	])('rejects %s with a message', (query, message) => {
		const r = parseBadgeOptions('uptime', q(query));
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.error).toContain(message);
	});

	it('ignores unknown parameters (cache busters)', () => {
		expect(parseBadgeOptions('status', q('v=2&cachebust=1')).ok).toBe(true);
	});
});

describe('badge content', () => {
	it.each([
		['UP', 'up', '#047857'],
		['DEGRADED', 'degraded', '#b45309'],
		['DOWN', 'down', '#b91c1c'],
		['MAINTENANCE', 'maintenance', '#1d4ed8'],
		[null, 'no data', '#52525b']
	])('status %s → "%s" in %s, as well-formed SVG and shields JSON', (status, message, color) => {
		const c = statusContent(status, 'API gateway');
		expect(c).toEqual({ label: 'API gateway', message, color });
		const svg = renderSvg(c, { style: 'flat' }).body;
		assertWellFormed(svg);
		expect(svg).toContain(`aria-label="API gateway: ${message}"`);
		expect(svg).toContain(`fill="${color}"`);
		expect(svg).toContain('fill="#555"'); // the label side
		expect(JSON.parse(renderShieldsJson(c, { style: 'flat' }).body)).toEqual({
			schemaVersion: 1,
			label: 'API gateway',
			message,
			color,
			labelColor: '#555',
			style: 'flat'
		});
	});

	it.each(['flat', 'flat-square', 'plastic', 'for-the-badge', 'social'] as const)('style %s is well-formed', (style) => {
		expect(() => assertWellFormed(renderSvg(statusContent('UP', 'x'), { style }).body)).not.toThrow();
	});

	it('rounds uptime down and colours by threshold', () => {
		expect(uptimeText(0.99996)).toBe('99.99%');
		expect(uptimeText(1)).toBe('100%');
		expect(uptimeText(0.999)).toBe('99.90%');
		expect(uptimeContent(0.9999, '30d')).toEqual({ label: 'uptime 30d', message: '99.99%', color: '#047857' });
		expect(uptimeContent(0.99899, '30d').color).toBe('#b45309'); // 99.89 %
		expect(uptimeContent(0.985, '7d').color).toBe('#b91c1c');
		expect(uptimeContent(0.9, '7d').color).toBe('#991b1b');
		expect(uptimeContent(null, '24h')).toEqual({ label: 'uptime 24h', message: 'no data', color: '#52525b' });
	});

	it('shows latency in the information colour, never a status colour', () => {
		expect(latencyContent(12.4, 'avg', '24h')).toEqual({ label: 'latency 24h', message: '12 ms', color: '#0369a1' });
		expect(latencyContent(1.23, 'p95', '7d')).toEqual({ label: 'latency 7d p95', message: '1.2 ms', color: '#0369a1' });
		expect(latencyContent(null, 'max', '90d').message).toBe('no data');
	});

	it('picks the worst status for several monitors, ignoring no data', () => {
		expect(worstStatus(['UP', 'MAINTENANCE', null])).toBe('MAINTENANCE');
		expect(worstStatus(['UP', 'DEGRADED', 'MAINTENANCE'])).toBe('DEGRADED');
		expect(worstStatus(['DEGRADED', 'DOWN'])).toBe('DOWN');
		expect(worstStatus([null])).toBeNull();
	});

	it('renders not found in grey', () => {
		const svg = renderSvg(notFoundContent('status'), { style: 'flat' }).body;
		expect(svg).toContain('fill="#52525b"');
		expect(svg).toContain('not found');
	});
});

describe('escaping', () => {
	const evil = `"><script>alert(1)</script>&amp;'`;
	it('renders a hostile label as text in SVG', () => {
		const svg = renderSvg(withOptions(statusContent('UP', 'x'), { label: evil }), { style: 'flat' }).body;
		assertWellFormed(svg);
		expect(svg).not.toContain('<script');
		expect(svg).toContain('&lt;script&gt;');
		expect(svg).toContain('&quot;&gt;');
	});

	it('renders a hostile name in the dot title as text', () => {
		const dot = renderDot('DOWN', evil, false).body;
		assertWellFormed(dot);
		expect(dot).not.toContain('<script');
		expect(dot).toContain('fill="#dc2626"');
	});

	it('keeps the JSON twin valid JSON with the label intact', () => {
		const c = withOptions(statusContent('UP', 'x'), { label: evil });
		expect(JSON.parse(renderShieldsJson(c, { style: 'flat' }).body).label).toBe(evil);
	});
});

describe('dot', () => {
	it('is a 10 px circle in the light fill, animated only when asked', () => {
		const still = renderDot('UP', 'A: up', false).body;
		assertWellFormed(still);
		expect(still).toMatch(/width="10" height="10"/);
		expect(still).toContain('fill="#059669"');
		expect(still).not.toContain('<animate');
		expect(renderDot('UP', 'A: up', true).body).toContain('<animate');
		expect(renderDot(null, 'A: no data', false).body).toContain('fill="#d4d4d8"');
	});

	it('gives the same ETag for the same bytes and another for other bytes', () => {
		expect(renderDot('UP', 'A', false).etag).toBe(renderDot('UP', 'A', false).etag);
		expect(renderDot('UP', 'A', false).etag).not.toBe(renderDot('DOWN', 'A', false).etag);
	});
});
