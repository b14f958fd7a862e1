// Hidden (public=false) and inactive monitors appear in no public response:
// every public route under src/routes is requested (found by walking the
// directory, so a route added later is covered the day it lands), with the
// hidden/inactive tag where the route takes one, with a public tag, and
// without one. A route asked for a hidden tag must answer exactly as for a
// tag that does not exist (so it cannot even confirm the tag is there).
import { routePolicy } from '../../src/lib/server/hooks/access';
import { test, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { openDatabase } from '../../src/lib/server/db/index';
import { createIncident, createMaintenance, deleteIncident, deleteMaintenance } from '../../src/lib/server/notices/service';
import { routeUrls } from '../support/route-manifest';
import { expect, PORT } from './admin-helpers';

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
		// What visitors read: the access table's open routes (those needing a key or a session are left out) less sign-in.
		.filter((id) => !id.startsWith('/admin') && routePolicy(id).read === 'public')
		.flatMap((id) => (/=\w+\]/.test(id) ? routeUrls(id, { tag: '[tag]' }) : [id]));
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

/**
 * An incident and a window naming the public monitor and both secret ones,
 * written into the e2e server's database (no public route writes them yet),
 * so every page and feed that lists them is walked with secrets to leak.
 */
async function withNotices<T>(request: APIRequestContext, run: (ids: { incident: string; maintenance: string }) => Promise<T>): Promise<T> {
	const database = await openDatabase({
		url: readFileSync(join(tmpdir(), `porthole-e2e-${PORT}-database-url.txt`), 'utf8').trim(),
		migrate: false,
		max: 2
	});
	const deps = { database, notices: { refresh: async () => {} }, scheduler: null };
	const monitors = ['local-echo', ...SECRETS.map((s) => s.tag)];
	const i = await createIncident(
		deps,
		{ title: 'Leak check', impact: 'minor', state: 'investigating', body: 'Checking.', monitors: monitors.map((tag) => ({ tag })) },
		null
	);
	const now = Date.now();
	const m = await createMaintenance(deps, {
		title: 'Leak window',
		description: 'Checking.',
		monitors,
		window: { start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString() }
	});
	if (!i.ok || !m.ok) throw new Error(JSON.stringify([i, m]));
	try {
		// The server's in-memory copy follows within its 10 s poll.
		await expect
			.poll(async () => JSON.stringify(await (await request.get('/api/v2/incidents/unresolved.json')).json()), { timeout: 20_000 })
			.toContain('Leak check');
		return await run({ incident: i.id, maintenance: m.id });
	} finally {
		await deleteIncident(deps, i.id);
		await deleteMaintenance(deps, m.id);
		await database.close();
	}
}

test('hidden and inactive monitors appear in no public HTML, JSON, badge or embed', async ({ request }) => {
	test.setTimeout(120_000);
	await withNotices(request, (ids) => walkRoutes(request, ids));
});

async function walkRoutes(request: APIRequestContext, ids: { incident: string; maintenance: string }) {
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
		if (route === '/incidents/[id]' || route === '/maintenance/[id]') {
			const id = route.startsWith('/incidents') ? ids.incident : ids.maintenance;
			const r = await body(request, route.replace('[id]', id));
			expect(r.status, route).toBe(200);
			expect(r.text, route).toContain('Leak');
			expectNoSecrets(route, r.text);
			expectNoSecrets(route, (await body(request, `${route.replace('[id]', id)}/__data.json`)).text);
			expect((await body(request, route.replace('[id]', '999999'))).status, route).toBe(404);
			checked++;
			continue;
		}
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
}
