import { expect, test } from '@playwright/test';

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

test('health answers 200 with the database reachable', async ({ request }) => {
	const r = await request.get('/api/health');
	expect(r.status()).toBe(200);
	const body = await r.json();
	expect(body).toMatchObject({ status: 'ok', database: { driver: 'embedded', reachable: true }, probeLoop: { running: true } });
});
