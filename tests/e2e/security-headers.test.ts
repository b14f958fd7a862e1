// Security headers on every kind of response (pages, JSON, SVG badges,
// redirects, errors), and real Chromium loading the pages under that policy
// without a single CSP violation (CodeMirror editor and the embed included).
import { test, type Page } from '@playwright/test';
import { expect, signIn } from './admin-helpers';

const ROUTES: [string, number][] = [
	['/', 200],
	['/monitors/local-echo', 200],
	['/monitors/local-echo/days.json', 200],
	['/home.json', 200],
	['/api/health', 200],
	['/api/v1/monitors', 200],
	['/api/v1/monitors/local-echo', 200],
	['/api/v2/status.json', 200],
	['/api/v2/summary.json', 200],
	['/badge/local-echo/status.svg', 200],
	['/badge/local-echo/uptime.json', 200],
	['/embed/local-echo', 200],
	['/embed/local-echo/snippet.json', 200],
	['/embed/local-echo?theme=neon', 400],
	['/badge/no-such-tag/status.svg', 404],
	['/nope', 404],
	['/api/v1/config', 401],
	['/admin/monitors', 303],
	['/admin/login', 200]
];

test('every kind of response carries the security headers', async ({ request }) => {
	for (const [path, status] of ROUTES) {
		const r = await request.get(path, { maxRedirects: 0 });
		expect(r.status(), path).toBe(status);
		const h = r.headers();
		const csp = h['content-security-policy'] ?? '';
		expect(csp, path).not.toBe('');
		expect(csp, path).not.toContain('unsafe-eval');
		expect(h['x-content-type-options'], path).toBe('nosniff');
		expect(h['referrer-policy'], path).toBe('same-origin');
		if (path.startsWith('/embed/local-echo') && !path.includes('snippet')) {
			expect(csp, path).not.toContain('frame-ancestors');
		} else {
			expect(csp, path).toContain("frame-ancestors 'none'");
			expect(h['x-frame-options'], path).toBe('DENY');
		}
		if ((h['content-type'] ?? '').startsWith('text/html') && /<script/.test(await r.text())) {
			// SvelteKit's page policy: its inline bootstrap runs by nonce/hash, never by 'unsafe-inline'.
			expect(csp, path).toMatch(/script-src 'self' '(nonce|sha256)-/);
			expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
		}
	}
	// A POST the guard refuses, before any route runs.
	const post = await request.post('/api/v1/monitors', { data: {} });
	expect(post.status()).toBe(401);
	expect(post.headers()['x-content-type-options']).toBe('nosniff');
	expect(post.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});

/** Collects CSP violations the page reports (both the DOM event and Chromium's console message). */
function watchCsp(page: Page): string[] {
	const seen: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
	});
	void page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) =>
			console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`)
		);
	});
	return seen;
}

test('pages work under the policy with no CSP violations', async ({ page }) => {
	const violations = watchCsp(page);
	await page.goto('/');
	await expect(page.getByText('Local echo').first()).toBeVisible();
	// The monitor page draws its latency chart (Chart.js) on a canvas.
	await page.goto('/monitors/local-echo');
	await expect(page.locator('canvas').first()).toBeVisible();
	await page.goto('/monitors/demo-1');
	await expect(page.locator('canvas').first()).toBeVisible();
	await page.goto('/embed/local-echo?theme=dark');
	await expect(page.getByText('Local echo').first()).toBeVisible();
	await signIn(page);
	await page.goto('/admin/monitors/local-echo/edit');
	// CodeMirror mounted and styled (its theme is injected at run time).
	await expect(page.locator('.cm-editor').first()).toBeVisible();
	await page.locator('.cm-content').first().click();
	await page.keyboard.type(' ');
	await page.goto('/admin/keys');
	await page.goto('/admin/settings');
	expect(violations).toEqual([]);
});
