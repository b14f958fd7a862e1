import { test } from '@playwright/test';
import { expect, signIn } from './admin-helpers';

test('serves the home page with a live check from a real listener', async ({ page }) => {
	const errors: string[] = [];
	page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
	page.on('pageerror', (e) => errors.push(e.message));

	// The monitor runs every 5 s; reload until its first check has landed.
	await expect(async () => {
		await page.goto('/');
		await expect(page.locator('[data-tag="local-echo"] [data-status]')).toHaveAttribute('data-status', 'UP', {
			timeout: 1000
		});
	}).toPass({ timeout: 30_000 });

	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Status');
	await expect(page.getByText('Local echo')).toBeVisible();
	// A non-public monitor appears nowhere in the HTML.
	const html = await page.content();
	expect(html).not.toContain('secret-hidden');
	expect(html).not.toContain('Hidden internal thing');
	await page.screenshot({ path: 'tests/artifacts/home.png', fullPage: true });
	expect(errors).toEqual([]);
});

test('health answers 200 with the database reachable: up or not for anyone, the counters for an admin', async ({ request, page }) => {
	const r = await request.get('/api/health');
	expect(r.status()).toBe(200);
	// Anyone: no counters (they would count hidden monitors) and no error text.
	expect(await r.json()).toEqual({ status: 'ok', database: { reachable: true } });
	// A key that is sent must be real, even where none is needed.
	expect((await request.get('/api/health', { headers: { authorization: 'Bearer ph_not-a-key' } })).status()).toBe(401);
	await signIn(page);
	const full = await (await page.request.get('/api/health')).json();
	expect(full).toMatchObject({
		status: 'ok',
		database: { driver: process.env.E2E_DATABASE === 'postgres' ? 'postgres' : 'embedded', reachable: true },
		probeLoop: { running: true }
	});
});

test('public reads never carry a session cookie, so a shared cache cannot hand one out', async ({ request }) => {
	// A stale or bogus session cookie must not make the guard clear it (Set-Cookie) on a publicly cacheable answer.
	for (const path of [
		'/api/v2/summary.json',
		'/api/v2/status.json',
		'/badge/local-echo/status.svg',
		'/api/v1/monitors',
		'/',
		'/monitors/local-echo'
	]) {
		const r = await request.get(path, { headers: { cookie: 'porthole_session=stale-or-bogus' } });
		expect(r.status(), path).toBe(200);
		expect(r.headers()['set-cookie'], path).toBeUndefined();
	}
});

test('an out-of-range ?older= cursor shows the first page instead of a 500', async ({ request }) => {
	for (const older of ['-271821-04-20', '275760-09-13', 'yesterday']) {
		expect((await request.get(`/monitors/local-echo?older=${older}`)).status(), older).toBe(200);
		expect((await request.get(`/monitors/local-echo/__data.json?older=${older}`)).status(), older).toBe(200);
	}
});
