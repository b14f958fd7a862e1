import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';

// A third-party page on another origin (same loopback address, own port)
// that frames the embed widget and the home page, and reads the public JSON.
let parent: Server;
let parentUrl = '';

test.beforeAll(async ({ baseURL }) => {
	const html = `<!doctype html><html><body style="background:#eee">
<h1>Someone else's site</h1>
<iframe id="embed" src="${baseURL}/embed/local-echo?theme=light" width="480" height="96" style="border:0"></iframe>
<iframe id="embed-dark" src="${baseURL}/embed/local-echo?theme=dark" width="320" height="96" style="border:0"></iframe>
<iframe id="home" src="${baseURL}/" width="480" height="200"></iframe>
</body></html>`;
	parent = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
	await new Promise<void>((r) => parent.listen(0, '127.0.0.1', r));
	const a = parent.address();
	if (!a || typeof a === 'string') throw new Error('no port');
	parentUrl = `http://127.0.0.1:${a.port}/`;
});

test.afterAll(async () => {
	await new Promise((r) => parent?.close(r));
});

test('the embed renders inside a third-party iframe while the home page refuses to be framed', async ({ page }) => {
	const refused: string[] = [];
	page.on('console', (m) => /frame-ancestors|X-Frame-Options/i.test(m.text()) && refused.push(m.text()));

	// The monitor checks every 5 s. Wait for its first check outside the browser:
	// the embed may be cached for BADGE_MAX_AGE (30 s), so a frame loaded
	// before that check would keep showing "no data" for as long.
	await expect
		.poll(async () => /data-status="UP"/.test(await (await page.request.get('/embed/local-echo')).text()), { timeout: 30_000 })
		.toBe(true);
	await page.goto(parentUrl);
	await expect(page.frameLocator('#embed').locator('[data-embed="local-echo"]')).toContainText('Local echo');
	await expect(page.frameLocator('#embed').locator('[data-embed="local-echo"] [data-status]')).toHaveAttribute('data-status', 'UP');

	const widget = page.frameLocator('#embed').locator('[data-embed="local-echo"]');
	await expect(widget).toHaveAttribute('target', '_blank');
	await expect(widget).toHaveAttribute('rel', /noopener/);
	await expect(widget.locator('svg[role="img"]')).toHaveAttribute('aria-label', /Local echo, 90 days: .*uptime/);
	await expect(widget.locator('svg[role="img"]')).toHaveAttribute('data-days', /^[uarsmn]{90}$/);
	await expect(page.frameLocator('#embed-dark').locator('html')).toHaveClass('dark');
	await expect(page.frameLocator('#embed').locator('html')).toHaveClass('light');

	// The home frame was blocked: Chromium shows its error page instead of our document.
	const home = page.frames().find((f) => f !== page.mainFrame() && !f.url().includes('/embed/'));
	expect(home).toBeTruthy();
	await expect.poll(() => home!.url()).not.toContain('127.0.0.1');
	await expect(page.frameLocator('#home').getByText('Local echo')).toHaveCount(0);
	expect(refused.join('\n')).toMatch(/frame-ancestors/);

	await page.screenshot({ path: 'tests/artifacts/embed-framed.png', fullPage: true });
});

test('framing headers: embed allowed, everything else denied', async ({ request }) => {
	const embed = await request.get('/embed/local-echo');
	expect(embed.status()).toBe(200);
	expect(embed.headers()['x-frame-options']).toBeUndefined();
	expect(embed.headers()['content-security-policy'] ?? '').not.toContain('frame-ancestors');
	for (const path of ['/', '/api/health', '/embed/local-echo/snippet.json', '/badge/local-echo/status.svg', '/nope']) {
		const r = await request.get(path);
		expect(r.headers()['x-frame-options'], path).toBe('DENY');
		expect(r.headers()['content-security-policy'], path).toContain("frame-ancestors 'none'");
	}
	// Hidden and unknown monitors have no widget, and a bad theme is refused.
	expect((await request.get('/embed/secret-hidden')).status()).toBe(404);
	expect((await request.get('/embed/no-such-tag')).status()).toBe(404);
	const bad = await request.get('/embed/local-echo?theme=neon');
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toContain('theme must be light, dark or auto');
});

test('public JSON is readable cross-origin from another site (CORS)', async ({ page, baseURL }) => {
	await page.goto(parentUrl);
	const out = await page.evaluate(async (base) => {
		const s = await fetch(`${base}/api/v2/summary.json`).then((r) => r.json());
		const b = await fetch(`${base}/badge/local-echo/status.json`).then((r) => r.json());
		return { page: s.page.name, ids: s.components.map((c: { id: string }) => c.id), badge: b.schemaVersion };
	}, baseURL);
	expect(out.page).toBe('Status');
	expect(out.ids).not.toContain('secret-hidden');
	expect(out.badge).toBe(1);
});

test('snippets give copy-paste Markdown, HTML and iframe code', async ({ request, baseURL }) => {
	const s = await (await request.get('/embed/local-echo/snippet.json')).json();
	expect(s.markdown).toBe(`[![Local echo status](${baseURL}/badge/local-echo/status.svg)](${baseURL}/monitors/local-echo)`);
	expect(s.html).toContain(`<img src="${baseURL}/badge/local-echo/status.svg" alt="Local echo status">`);
	expect(s.iframe).toContain(`<iframe src="${baseURL}/embed/local-echo"`);
	expect((await request.get('/embed/secret-hidden/snippet.json')).status()).toBe(404);
});
