// The public status pages in Chromium, against the e2e server's seeded
// history (scripts/e2e-server.js: demo-1..4 with 90 days, a 42-minute outage
// on demo-1 three days ago) and its live local-echo monitor.
import { expect, test, type Page } from '@playwright/test';

function watchErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
	page.on('pageerror', (e) => errors.push(e.message));
	return errors;
}

/** Distinct day columns drawn in one bar's SVG (each subpath starts "M<x> <y>"). */
async function segmentColumns(page: Page, tag: string): Promise<number> {
	// Runs of whole days are "M<x> 16h<len>" (dashed 6 on / 2 off); partial days add filled rects over grey runs.
	return page.locator(`[data-bar][data-tag="${tag}"] path`).evaluateAll((paths) => {
		const days: number[] = [];
		for (const p of paths)
			for (const m of (p.getAttribute('d') ?? '').matchAll(/M(\d+) 16h(\d+)/g))
				for (let k = 0; k < (Number(m[2]) + 2) / 8; k++) days.push(Number(m[1]) / 8 + k);
		return new Set(days).size === days.length ? days.length : -1;
	});
}

test.describe('home page', () => {
	test('shows every public monitor with a 90-day bar, and nothing hidden', async ({ page }) => {
		const errors = watchErrors(page);
		await page.goto('/');
		const rows = page.locator('[data-row]');
		// The e2e server's public monitors (other journeys sharing the server may add their own).
		await expect(rows.first()).toBeVisible();
		const tags = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-tag')!));
		expect(tags).toEqual(expect.arrayContaining(['local-echo', 'demo-1', 'demo-2', 'demo-3', 'demo-4']));
		for (const tag of tags) {
			await expect(page.locator(`[data-bar][data-tag="${tag}"]`)).toHaveAttribute('data-d', /^[uarsmn]{90}$/);
			expect(await segmentColumns(page, tag)).toBe(90);
		}
		// The site time zone is stated.
		await expect(page.getByText('Days end 00:00 UTC')).toBeVisible();
		const html = await page.content();
		expect(html).not.toContain('secret-hidden');
		expect(html).not.toContain('Hidden internal thing');
		await page.screenshot({ path: 'tests/artifacts/status-home.png', fullPage: true });
		expect(errors).toEqual([]);
	});

	test('a day with DOWN minutes is red, and its tooltip says how long', async ({ page }) => {
		const errors = watchErrors(page);
		await page.goto('/');
		await expect(page.locator('html[data-bars="ready"]')).toHaveCount(1);
		const bar = page.locator('[data-bar][data-tag="demo-1"]');
		const d = (await bar.getAttribute('data-d'))!;
		// 42 weighted minutes down → red (20-59), three days before today (index 86).
		expect(d[86]).toBe('r');
		const red = bar.locator('path.stroke-down');
		await expect(red).toHaveAttribute('d', /M688 16h6(?!\d)/);
		expect(await red.evaluate((el) => getComputedStyle(el).stroke)).toBe('rgb(220, 38, 38)');

		const box = (await bar.locator('svg').boundingBox())!;
		await page.mouse.move(box.x + ((86 * 8 + 3) / 718) * box.width, box.y + box.height / 2);
		const tip = page.locator('[data-tooltip]');
		await expect(tip).toContainText('✕ Down 42 min');
		await expect(tip).toContainText('UTC');
		await expect(tip).toContainText(/Uptime \d+\.\d\d %/);
		await expect(tip).toContainText(/of 1,4\d\d checks/);
		await page.screenshot({ path: 'tests/artifacts/status-home-tooltip.png' });
		expect(errors).toEqual([]);
	});

	test('bars are one tab stop each, with arrow keys moving by day', async ({ page }) => {
		await page.goto('/');
		await expect(page.locator('html[data-bars="ready"]')).toHaveCount(1);
		const bar = page.locator('[data-bar][data-tag="demo-1"]');
		await bar.focus();
		const tip = page.locator('[data-tooltip]');
		await expect(tip).toContainText('Today so far');
		for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
		await expect(tip).toContainText('✕ Down 42 min');
		await expect(page.locator('[aria-live="polite"].sr-only')).toContainText('Down 42 min');
		await page.keyboard.press('Escape');
		await expect(tip).toHaveCount(0);
	});

	test('dark mode toggles and is remembered', async ({ page }) => {
		const errors = watchErrors(page);
		await page.emulateMedia({ colorScheme: 'light' });
		await page.goto('/');
		await expect(page.locator('html[data-bars="ready"]')).toHaveCount(1);
		const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		expect(await bg()).toBe('rgb(255, 255, 255)');
		await page.locator('[data-theme-toggle]').click();
		await expect(page.locator('html')).toHaveClass(/dark/);
		expect(await bg()).toBe('rgb(9, 9, 11)');
		await page.reload();
		await expect(page.locator('html')).toHaveClass('dark');
		expect(await bg()).toBe('rgb(9, 9, 11)');
		await page.screenshot({ path: 'tests/artifacts/status-home-dark.png', fullPage: true });
		await page.locator('[data-theme-toggle]').click();
		await expect(page.locator('html')).toHaveClass('light');
		expect(errors).toEqual([]);
	});

	test('refreshes itself every 60 s without moving anything', async ({ page }) => {
		await page.clock.install();
		await page.goto('/');
		// Hydrated: the refresh timer exists before the clock moves.
		await expect(page.locator('html[data-bars="ready"]')).toHaveCount(1);
		const boxes = () => page.locator('[data-bar]').evaluateAll((els) => els.map((e) => JSON.stringify(e.getBoundingClientRect())));
		const before = await boxes();
		const refreshed = page.waitForResponse((r) => r.url().endsWith('/home.json') && r.status() === 200);
		await page.clock.runFor(61_000);
		await refreshed;
		await page.waitForTimeout(200);
		expect(await boxes()).toEqual(before);
	});

	test('narrow screens show the last 30 days', async ({ page }) => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto('/');
		// The legend's ends are CSS content, the same on every row.
		const legend = (el: Element) => getComputedStyle(el, '::before').content;
		await expect.poll(() => page.locator('.bar-l').first().evaluate(legend)).toBe('"30 days ago"');
		await expect(page.locator('[data-uptime]').first()).toBeHidden();
		await page.screenshot({ path: 'tests/artifacts/status-home-mobile.png', fullPage: true });
	});
});

test.describe('monitor page', () => {
	test('shows tiles, the bar, status changes and draws a latency chart', async ({ page }) => {
		const errors = watchErrors(page);
		await page.goto('/monitors/demo-1');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('API gateway');
		await expect(page.locator('[data-tile]')).toHaveCount(4);
		await expect(page.locator('[data-tile="90d"] dd')).toHaveText(/\d+\.\d\d %/);
		await expect(page.locator('[data-changes]')).toContainText('42 min');
		// demo-1 shows its hosts (show_hosts), demo-2 does not.
		await expect(page.locator('[data-hosts]')).toContainText('127.0.0.1:');

		const canvas = page.locator('canvas[data-chart]');
		await expect(canvas).toBeVisible();
		await expect
			.poll(() =>
				canvas.evaluate((c: HTMLCanvasElement) => {
					const ctx = c.getContext('2d');
					if (!ctx || c.width === 0) return 0;
					const px = ctx.getImageData(0, 0, c.width, c.height).data;
					let painted = 0;
					for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
					return painted;
				})
			)
			.toBeGreaterThan(1000);
		await page.getByRole('link', { name: '7 d' }).click();
		await expect(page).toHaveURL(/range=7d/);
		await expect(page.getByRole('link', { name: '7 d' })).toHaveAttribute('aria-current', 'true');
		await page.waitForTimeout(300);
		await page.screenshot({ path: 'tests/artifacts/status-monitor.png', fullPage: true });
		expect(errors).toEqual([]);
	});

	test('hides hosts unless the monitor shows them', async ({ page }) => {
		await page.goto('/monitors/demo-2');
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expect(page.locator('[data-hosts]')).toHaveCount(0);
		expect(await page.locator('body').innerText()).not.toContain('127.0.0.1');
		// Not in the hydration data either.
		expect(await page.content()).toContain('hosts:null');
	});

	test('unknown and hidden monitors are real 404s', async ({ page, request }) => {
		for (const path of ['/monitors/secret-hidden', '/monitors/no-such-thing']) {
			const r = await page.goto(path);
			expect(r?.status()).toBe(404);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not found');
		}
		expect((await request.get('/monitors/secret-hidden/days.json')).status()).toBe(404);
		expect((await request.get('/monitors/secret-hidden/latency.json')).status()).toBe(404);
		const bad = await request.get('/monitors/demo-1/latency.json?range=1y');
		expect(bad.status()).toBe(400);
	});
});
