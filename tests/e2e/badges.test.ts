import { expect, test } from '@playwright/test';
import { renderDot, renderSvg, statusContent, uptimeContent, latencyContent, notFoundContent } from '../../src/lib/server/badge/render';

// Chromium's XML parser is the judge: every badge must parse as SVG, with the
// right text and colour.
test('every badge kind and status parses as XML with the right text and colour', async ({ page, request }) => {
	await page.goto('/api/health');
	const parse = (xml: string) =>
		page.evaluate((src) => {
			const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
			const err = doc.querySelector('parsererror');
			return {
				error: err?.textContent ?? null,
				root: doc.documentElement.nodeName,
				title: doc.querySelector('title')?.textContent ?? null,
				fills: [...doc.querySelectorAll('[fill]')].map((e) => e.getAttribute('fill'))
			};
		}, xml);

	const cases: [string, string, string][] = [];
	for (const [s, word, color] of [
		['UP', 'up', '#047857'],
		['DEGRADED', 'degraded', '#b45309'],
		['DOWN', 'down', '#b91c1c'],
		['MAINTENANCE', 'maintenance', '#1d4ed8'],
		[null, 'no data', '#52525b']
	] as const) {
		for (const style of ['flat', 'flat-square', 'plastic', 'for-the-badge', 'social'] as const) {
			// The social style is shields' grey GitHub look: it ignores colours by design.
			cases.push([renderSvg(statusContent(s, `A <b>&"'`), { style }).body, `A <b>&"': ${word}`, style === 'social' ? '' : color]);
		}
		cases.push([renderDot(s, `A: ${word}`, true).body, `A: ${word}`, '']);
	}
	cases.push([renderSvg(uptimeContent(0.9995, '30d'), { style: 'flat' }).body, 'uptime 30d: 99.95%', '#047857']);
	cases.push([renderSvg(latencyContent(12.3, 'avg', '24h'), { style: 'flat' }).body, 'latency 24h: 12 ms', '#0369a1']);
	cases.push([renderSvg(notFoundContent('status'), { style: 'flat' }).body, 'status: not found', '#52525b']);

	// And what the running server sends, for a live monitor.
	for (const path of [
		'/badge/local-echo/status.svg',
		'/badge/local-echo/uptime.svg?window=30d',
		'/badge/local-echo/latency.svg?metric=p95',
		'/badge/local-echo/dot.svg?animate=1',
		'/badge/_/status.svg',
		'/badge/_/uptime.svg',
		'/badge/secret-hidden/status.svg',
		'/badge/local-echo/status.svg?label=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E'
	]) {
		const r = await request.get(path);
		expect(r.headers()['content-type'], path).toBe('image/svg+xml; charset=utf-8');
		cases.push([await r.text(), '', '']);
	}

	for (const [xml, title, color] of cases) {
		const p = await parse(xml);
		expect(p.error, xml).toBeNull();
		expect(p.root).toBe('svg');
		// for-the-badge upper-cases its text.
		if (title) expect(p.title?.toLowerCase()).toBe(title.toLowerCase());
		if (color) expect(p.fills).toContain(color);
	}
	// The hostile label came back as text, not as an element.
	const hostile = await parse(cases[cases.length - 1][0]);
	expect(hostile.title).toMatch(/^"><script>alert\(1\)<\/script>: /);
});

test('badge HTTP: 404 for hidden, 400 for bad options, 304 on revalidation', async ({ request }) => {
	// Wait for the first check (every 5 s), so nothing changes under the revalidation below.
	await expect
		.poll(async () => (await (await request.get('/badge/local-echo/status.json')).json()).message, { timeout: 30_000 })
		.toBe('up');
	const hidden = await request.get('/badge/secret-hidden/status.svg');
	const unknown = await request.get('/badge/no-such-thing/status.svg');
	expect(hidden.status()).toBe(404);
	expect(unknown.status()).toBe(404);
	expect(await hidden.text()).toBe(await unknown.text());

	// One route takes the badge files (its param matcher); any other file name is no route at all.
	for (const file of ['status.svg', 'status.json', 'uptime.svg', 'uptime.json', 'latency.svg', 'latency.json', 'dot.svg']) {
		expect((await request.get(`/badge/local-echo/${file}`)).status(), file).toBe(200);
	}
	for (const file of ['foo.svg', 'dot.json', 'status.png', 'status.svg.bak']) {
		const r = await request.get(`/badge/local-echo/${file}`);
		expect(r.status(), file).toBe(404);
		expect(r.headers()['content-type'], file).not.toContain('image/svg');
	}

	const bad = await request.get('/badge/local-echo/uptime.svg?window=1y');
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toContain('window must be one of 24h, 7d, 30d, 90d');

	const first = await request.get('/badge/local-echo/status.json');
	expect(first.status()).toBe(200);
	expect(first.headers()['cache-control']).toBe('public, max-age=30');
	const etag = first.headers()['etag'];
	const second = await request.get('/badge/local-echo/status.json', { headers: { 'if-none-match': etag } });
	expect(second.status()).toBe(304);
	expect(second.headers()['etag']).toBe(etag);
	expect(await second.text()).toBe('');

	const summary = await request.get('/api/v2/summary.json');
	expect(summary.headers()['access-control-allow-origin']).toBe('*');
	const s2 = await request.get('/api/v2/summary.json', { headers: { 'if-none-match': summary.headers()['etag'] } });
	expect(s2.status()).toBe(304);
});
