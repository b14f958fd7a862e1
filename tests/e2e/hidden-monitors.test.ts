// Hidden (public=false) and inactive monitors appear in no public response:
// every public route under src/routes is requested (found by walking the
// directory, so a route added later is covered the day it lands), with the
// hidden/inactive tag where the route takes one, with a public tag, and
// without one. A route asked for a hidden tag must answer exactly as for a
// tag that does not exist (so it cannot even confirm the tag is there).
import { test, type APIRequestContext } from '@playwright/test';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { routeUrls } from '../support/route-manifest';
import { expect } from './admin-helpers';

const ROUTES = join(process.cwd(), 'src', 'routes');
const SECRETS = [
	{ tag: 'secret-hidden', name: 'Hidden internal thing' },
	{ tag: 'paused-inactive', name: 'Paused maintenance thing' }
];
const UNKNOWN = 'no-such-monitor-xyz';

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? walk(p) : [p];
	});
}

/** Public URL patterns (route params left as [x], a matcher's param one URL per value): everything but /admin and key-only reads. */
function publicRoutes(): string[] {
	const urls = walk(ROUTES)
		.filter((f) => /\+(page\.server|page\.svelte|server)\.ts$|\+page\.svelte$/.test(f))
		.map(
			(f) =>
				'/' +
				relative(ROUTES, f)
					.split(sep)
					.slice(0, -1)
					.filter((d) => !/^\(.*\)$/.test(d))
					.join('/')
		)
		.flatMap((id) => (/=\w+\]/.test(id) ? routeUrls(id, { tag: '[tag]' }) : [id]))
		.filter((u) => !u.startsWith('/admin') && u !== '/api/v1/config');
	return [...new Set(urls)].sort();
}

async function body(request: APIRequestContext, url: string) {
	const r = await request.get(url, { maxRedirects: 0 });
	// Per-response noise (CSP nonces) removed so two answers can be compared.
	const text = (await r.text()).replace(/nonce="[^"]*"/g, 'nonce=""');
	return { status: r.status(), text, type: r.headers()['content-type'] ?? '' };
}

function expectNoSecrets(url: string, text: string) {
	for (const s of SECRETS) {
		expect(text, `${url} shows ${s.tag}`).not.toContain(s.tag);
		expect(text, `${url} shows ${s.name}`).not.toContain(s.name);
	}
}

test('hidden and inactive monitors appear in no public HTML, JSON, badge or embed', async ({ request }) => {
	test.setTimeout(120_000);
	const routes = publicRoutes();
	// The walk found the public surface (pages, JSON, badges, embed); it must not quietly shrink.
	for (const must of [
		'/',
		'/api/v1/monitors',
		'/api/v1/monitors/[tag]',
		'/api/v2/summary.json',
		'/badge/[tag]/status.svg',
		'/embed/[tag]',
		'/embed/[tag]/snippet.json'
	]) {
		expect(routes).toContain(must);
	}
	let checked = 0;
	for (const route of routes) {
		const params = route.match(/\[[^\]]+\]/g) ?? [];
		expect(
			params.every((p) => p === '[tag]'),
			`${route}: teach this test its params`
		).toBe(true);
		if (params.length === 0) {
			const r = await body(request, route);
			expect(r.status, route).toBeLessThan(500);
			expectNoSecrets(route, r.text);
			// SvelteKit's client data for pages too.
			if (!/\.\w+$/.test(route)) expectNoSecrets(route, (await body(request, `${route.replace(/\/$/, '')}/__data.json`)).text);
			checked++;
			continue;
		}
		const pub = await body(request, route.replaceAll('[tag]', 'local-echo'));
		expect(pub.status, route).toBeLessThan(500);
		expectNoSecrets(route, pub.text);
		const unknown = await body(request, route.replaceAll('[tag]', UNKNOWN));
		for (const s of SECRETS) {
			const url = route.replaceAll('[tag]', s.tag);
			const r = await body(request, url);
			expect(r.status, url).toBe(unknown.status);
			expect(r.status, url).toBeGreaterThanOrEqual(400);
			// Same answer as for a tag that was never there (the requested tag echoed back is fine).
			expect(r.text.replaceAll(s.tag, UNKNOWN), url).toBe(unknown.text);
			expect(r.text, url).not.toContain(s.name);
			checked++;
		}
	}
	expect(checked).toBeGreaterThan(15);
});
