// Atlassian's own status widget (@statuspage/status-widget), pointed at
// Porthole from another origin, shows an active incident. The widget fetches
// `<src>/api/v2/summary.json` cross-origin (dist/index.js: fetchSummary sets
// the URL's pathname) and renders status.indicator and status.description in
// its shadow root; Porthole's description is the incident's title when an
// incident sets the indicator. The page hosting it is served here, on another
// port of 127.0.0.1, so the fetch is a real CORS request.
//
// No public route writes incidents yet, so the incident is written straight
// into the e2e server's database (scripts/e2e-server.js names it) through the
// notices service; the server's in-memory copy picks it up within its 10 s poll.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { createIncident, deleteIncident } from '../../src/lib/server/notices/service';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE = `http://127.0.0.1:${PORT}`;
const TITLE = 'Widget sees: payments failing';
const widgetJs = join(dirname(createRequire(import.meta.url).resolve('@statuspage/status-widget/package.json')), 'dist', 'index.js');

let database: Database;
let host: Server;
let hostUrl = '';
let incidentId: string | null = null;
const deps = () => ({ database, notices: { refresh: async () => {} }, scheduler: null });

test.beforeAll(async () => {
	const url = readFileSync(join(tmpdir(), `porthole-e2e-${PORT}-database-url.txt`), 'utf8').trim();
	database = await openDatabase({ url, migrate: false, max: 2 });
	host = createServer((req, res) => {
		if (req.url === '/widget.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(widgetJs));
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		res.end(
			`<!doctype html><title>widget</title>` +
				`<statuspage-widget src="${BASE}"></statuspage-widget>` +
				`<statuspage-widget src="${BASE}" appearance="badge" title="Porthole"></statuspage-widget>` +
				`<script src="/widget.js"></script>`
		);
	});
	await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
	const a = host.address();
	if (!a || typeof a === 'string') throw new Error('no address');
	hostUrl = `http://127.0.0.1:${a.port}/`;
});

test.afterAll(async () => {
	if (incidentId) await deleteIncident(deps(), incidentId);
	await database?.close();
	await new Promise((r) => host?.close(r));
});

test('the Statuspage widget on another origin shows an active incident', async ({ page, request }) => {
	const made = await createIncident(
		deps(),
		{ title: TITLE, impact: 'major', state: 'investigating', body: 'We are looking into it.', monitors: [{ tag: 'local-echo' }] },
		'e2e'
	);
	if (!made.ok) throw new Error(JSON.stringify(made.errors));
	incidentId = made.id;

	// The server's copy follows the database within its poll.
	await expect
		.poll(
			async () =>
				((await (await request.get(`${BASE}/api/v2/summary.json`)).json()) as { incidents: { name: string }[] }).incidents.map(
					(i) => i.name
				),
			{
				timeout: 20_000
			}
		)
		.toEqual([TITLE]);
	const summary = await request.get(`${BASE}/api/v2/summary.json`, { headers: { origin: hostUrl.slice(0, -1) } });
	expect(summary.headers()['access-control-allow-origin']).toBe('*');
	expect((await summary.json()).status).toEqual({ indicator: 'major', description: TITLE });
	const unresolved = await (await request.get(`${BASE}/api/v2/incidents/unresolved.json`)).json();
	expect(unresolved.incidents[0]).toMatchObject({
		name: TITLE,
		impact: 'major',
		status: 'investigating',
		shortlink: `${BASE}/incidents/${made.id}`
	});

	const fetched: string[] = [];
	page.on('request', (r) => fetched.push(r.url()));
	await page.goto(hostUrl);
	// Playwright's CSS locators pierce the widget's open shadow root.
	await expect(page.locator('statuspage-widget').first().locator('.status-text')).toHaveText(TITLE);
	await expect(page.locator('statuspage-widget').first().locator('.status-indicator')).toHaveClass(/\bmajor\b/);
	await expect(page.locator('statuspage-widget').nth(1).locator('.status-indicator')).toContainText(TITLE);
	expect(fetched).toContain(`${BASE}/api/v2/summary.json`);

	// And the home page shows the incident's card, and links its timeline.
	await page.goto(`${BASE}/`);
	await expect(page.locator(`[data-incident="${made.id}"]`)).toContainText(TITLE);
	await expect(page.locator('[data-banner]')).toContainText('Partial outage');
	await page.locator(`[data-incident="${made.id}"] h3 a`).click();
	await expect(page).toHaveURL(`${BASE}/incidents/${made.id}`);
	await expect(page.locator('[data-update]')).toContainText('We are looking into it.');
});
