// The admin journey end to end: the unauthenticated guard walk first
// (nothing may change), then first-admin setup through the printed link,
// sign-in, a monitor against a listener this test owns, run-now, save, public
// page UP, listener stopped → DOWN, sign-out. Needs a fresh server (no admin
// yet): run it with the whole e2e suite or on its own.
import { test, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { listen } from '../fixtures/net';
import { join, relative, sep } from 'node:path';
import { BASE, EMAIL, PASSWORD, expect, setupLink } from './admin-helpers';

test.describe.configure({ mode: 'serial' });

const ROUTES = join(process.cwd(), 'src', 'routes');

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? walk(p) : [p];
	});
}

/** Route files under /admin and /api, with the URL they serve (params filled in). */
function routeFiles() {
	return walk(ROUTES)
		.filter((f) => /\+(page\.server|server)\.ts$/.test(f))
		.map((file) => {
			const dir = relative(ROUTES, file).split(sep).slice(0, -1);
			const url =
				'/' +
				dir
					.filter((d) => !/^\(.*\)$/.test(d))
					.map((d) => (d === '[tag]' ? 'local-echo' : d === '[token]' ? 'not-a-token' : d))
					.join('/');
			return { file, url, src: readFileSync(file, 'utf8') };
		})
		.filter((r) => r.url.startsWith('/admin') || r.url.startsWith('/api'));
}

const OPEN = [/^\/admin\/login$/, /^\/admin\/setup\/[^/]+$/];

async function snapshot(request: APIRequestContext) {
	const r = await request.get('/api/v1/monitors');
	return JSON.stringify((await r.json()).monitors.map((m: { tag: string; name: string }) => [m.tag, m.name]));
}

test('guard walk: every admin page, action and endpoint and every API write refuses an anonymous caller', async ({ request }) => {
	const before = await snapshot(request);
	const routes = routeFiles();
	const seen: string[] = [];
	expect(routes.length).toBeGreaterThan(10);
	for (const r of routes) {
		if (OPEN.some((o) => o.test(r.url))) continue;
		const isPage = r.file.endsWith('+page.server.ts');
		if (isPage) {
			// The page itself and its client data endpoint.
			const page = await request.get(r.url, { maxRedirects: 0 });
			expect(page.status(), `GET ${r.url}`).toBe(303);
			expect(page.headers()['location']).toMatch(/^\/admin\/login\?next=/);
			const data = await request.get(`${r.url}/__data.json`, { maxRedirects: 0 });
			expect(await data.text(), `GET ${r.url}/__data.json`).toMatch(/^\{"type":"redirect","location":"\/admin\/login/);
			seen.push(`GET ${r.url}`);
			// Every named form action, and the default one.
			const block = /export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/.exec(r.src)?.[1] ?? '';
			const names = [...block.matchAll(/^\t(\w+):/gm)].map((m) => m[1]);
			for (const name of names) {
				const target = name === 'default' ? r.url : `${r.url}?/${name}`;
				const res = await request.post(target, {
					form: { tag: 'local-echo', confirm: 'local-echo', which: 'active', on: 'false', name: 'x', scope: 'write', id: '1', json: '[]' },
					headers: { origin: BASE },
					maxRedirects: 0
				});
				expect(res.status(), `POST ${target}`).toBe(401);
				seen.push(`POST ${target}`);
			}
		} else {
			for (const m of r.src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) {
				const method = m[1];
				const res = await request.fetch(r.url, {
					method,
					headers: { 'content-type': 'application/json', origin: BASE },
					data:
						method === 'GET'
							? undefined
							: JSON.stringify({ tag: 'x', name: 'x', type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1' }] } }),
					maxRedirects: 0
				});
				seen.push(`${method} ${r.url}`);
				if (r.url.startsWith('/admin')) expect(res.status(), `${method} ${r.url}`).toBe(method === 'GET' ? 303 : 401);
				else if (method !== 'GET') expect(res.status(), `${method} ${r.url}`).toBe(401);
				else if (r.url === '/api/v1/config') expect(res.status(), `${method} ${r.url}`).toBe(401);
			}
		}
	}
	// A wrong or made-up key is no better than none.
	const bad = await request.post('/api/v1/monitors', {
		headers: { authorization: 'Bearer ph_made_up', 'content-type': 'application/json' },
		data: {}
	});
	expect(bad.status()).toBe(401);
	expect(seen).toEqual(
		expect.arrayContaining(['POST /admin/monitors?/delete', 'DELETE /api/v1/monitors/local-echo', 'POST /api/v1/check'])
	);
	expect(await snapshot(request)).toBe(before);
	console.log(`guard walk: ${seen.length} requests refused`);
});

test('admin journey: setup link, sign in, editor with run-now, save, UP then DOWN, sign out', async ({ page, request }) => {
	test.setTimeout(150_000);
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && errors.push(m.text()));
	await page.setViewportSize({ width: 1440, height: 1000 });

	// A listener owned by this test, on loopback only.
	const listener = await listen('127.0.0.1');
	const { port } = listener;

	// 1. First admin through the link the server printed.
	const link = await setupLink();
	expect(link).toMatch(/\/admin\/setup\/[A-Za-z0-9_-]{43}$/);
	await page.goto('/admin/login');
	await expect(page.getByTestId('no-admin')).toBeVisible();
	await page.goto(new URL(link).pathname);
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel(/^Password/).fill(PASSWORD);
	await page.getByLabel('Repeat password').fill(PASSWORD);
	await page.getByRole('button', { name: /Create admin/ }).click();
	await expect(page).toHaveURL(/\/admin\/monitors$/);
	// The link is spent.
	const again = await request.get(new URL(link).pathname);
	expect(await again.text()).toContain('has been used or replaced');

	// 2. Sign out and in again with the new account; a wrong password is refused.
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/admin\/login/);
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Email or password is not correct');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/admin\/monitors$/);
	// Nothing changed during the guard walk: still just the three fixtures (public, hidden, inactive;
	// plus the demo-* monitors scripts/e2e-server.js seeds with history for the status pages).
	await expect(page.locator('tbody tr[data-tag]:not([data-tag^="demo-"])')).toHaveCount(3);
	expect((await page.request.get('/admin/monitors')).headers()['cache-control']).toBe('private, no-store');
	await page.screenshot({ path: 'tests/artifacts/admin-monitors.png' });

	// 3. A new monitor against the listener.
	await page.getByRole('link', { name: 'New monitor' }).first().click();
	await expect(page).toHaveURL(/\/admin\/monitors\/new$/);
	await expect(page.locator('.cm-editor')).toBeVisible();
	await page.getByLabel('Name', { exact: true }).fill('Journey database');
	await page.getByLabel(/^Tag/).fill('journey-db');
	await page.getByLabel(/^Description/).fill('Primary and replica, quorum of two');
	await page.getByLabel('Schedule (cron)').fill('*/5 * * * * *');
	await expect(page.getByTestId('cron-words')).toHaveText('every 5 seconds');
	await page.getByLabel('Host 0', { exact: true }).fill('127.0.0.1');
	await page.getByLabel('Port of host 0').fill('70000');
	await page.getByLabel('Port of host 0').blur();
	await expect(page.locator('#e-h0')).toHaveText('Port must be 1–65535');
	await page.getByLabel('Port of host 0').fill(String(port));
	await page.getByRole('button', { name: '+ Add host' }).click();
	await expect(page.getByLabel('Host 1', { exact: true })).toBeFocused();
	await page.getByLabel('Host 1', { exact: true }).fill('localhost');
	await page.getByLabel('Port of host 1').fill(String(port));
	await page.getByLabel('Timeout of host 1 in ms').fill('500');
	// Reorder with Alt+↑/↓ (announced), remove with undo.
	await page.getByLabel('Host 1', { exact: true }).press('Alt+ArrowUp');
	await expect(page.getByLabel('Host 0', { exact: true })).toHaveValue('localhost');
	await expect(page.getByText('Moved localhost to position 0')).toBeAttached();
	await page.getByLabel('Host 0', { exact: true }).press('Alt+ArrowDown');
	await expect(page.getByLabel('Host 0', { exact: true })).toHaveValue('127.0.0.1');
	await expect(page.getByLabel('Timeout of host 1 in ms')).toHaveValue('500');
	await page.getByRole('button', { name: 'Remove host 1' }).click();
	await expect(page.getByLabel('Host 1', { exact: true })).toHaveCount(0);
	await page.getByRole('button', { name: 'Undo' }).click();
	await expect(page.getByLabel('Host 1', { exact: true })).toHaveValue('localhost');

	// A server-side refusal keeps everything typed and names the field.
	await page.getByLabel(/^Tag/).fill('Journey DB!');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByTestId('error-summary')).toContainText('1 problem');
	await expect(page.locator('#e-tag')).toContainText('Tag must be 1-64 lowercase letters');
	await expect(page.getByLabel('Host 1', { exact: true })).toHaveValue('localhost');
	await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Journey database');
	await page.getByLabel(/^Tag/).fill('journey-db');
	await expect(page.locator('#e-tag')).toHaveCount(0);

	// A syntax error shows with its line before saving.
	await page.locator('.cm-content').click();
	await page.keyboard.press('ControlOrMeta+End');
	await page.keyboard.type('\nlet broken = ;');
	await expect(page.getByTestId('syntax-error')).toContainText(/Line \d+:\d+/);
	// Run now anyway: the sandbox's exact error comes back, counted as DOWN.
	await page.getByRole('button', { name: /Run now/ }).click();
	await expect(page.getByTestId('run-result')).toContainText('Eval failed → counted as DOWN');
	await expect(page.getByTestId('run-result')).toContainText(/SyntaxError: .*line 15/);
	await expect(page.locator('[data-ping="0"]')).toHaveAttribute('data-ping-status', 'open');
	await page.screenshot({ path: 'tests/artifacts/admin-editor-eval-error.png', fullPage: true });

	// The quorum template replaces it in one undoable step.
	await page.getByRole('button', { name: 'Templates ▾' }).click();
	await page.locator('[data-template="quorum"]').click();
	await expect(page.locator('.cm-content')).toContainText('const majority = Math.floor(totalHosts / 2) + 1');
	await expect(page.getByTestId('syntax-error')).toHaveCount(0);
	await expect(page.getByText(/Replaced with Quorum/)).toBeVisible();

	// Run now: both hosts open, quorum says UP; nothing saved yet.
	await page.getByRole('button', { name: /Run now/ }).click();
	await expect(page.locator('[data-ping="0"]')).toHaveAttribute('data-ping-status', 'open');
	await expect(page.locator('[data-ping="1"]')).toContainText('open');
	await expect(page.getByTestId('run-result')).toHaveAttribute('data-status', 'UP');
	await expect(page.getByTestId('run-result')).toContainText('eval');
	expect((await (await request.get('/api/v1/monitors')).json()).monitors.map((m: { tag: string }) => m.tag)).not.toContain('journey-db');
	await page.mouse.move(0, 0);
	await page.screenshot({ path: 'tests/artifacts/admin-editor.png', fullPage: true });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: 'tests/artifacts/admin-editor-dark.png', fullPage: true });
	await page.emulateMedia({ colorScheme: 'light' });

	// 4. Save: lands on the monitor's own editor URL.
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page).toHaveURL(/\/admin\/monitors\/journey-db\/edit\?saved=created$/);
	await expect(page.getByTestId('saved')).toBeVisible();
	await expect(page.locator('.cm-content')).toContainText('majority');
	// Editing and saving in place keeps the URL and says when.
	await page.getByLabel(/^Description/).fill('Primary and replica: a majority must answer');
	await expect(page.getByText('Unsaved')).toBeVisible();
	await page.keyboard.press('ControlOrMeta+s');
	await expect(page.getByTestId('saved')).toBeVisible();
	await expect(page).toHaveURL(/\/admin\/monitors\/journey-db\/edit/);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.screenshot({ path: 'tests/artifacts/admin-editor-mobile.png' });
	await page.setViewportSize({ width: 1440, height: 1000 });

	// 5. UP on the public page once the scheduler has checked it.
	const pub = await page.context().newPage();
	await expect(async () => {
		await pub.goto('/');
		await expect(pub.locator('[data-tag="journey-db"] [data-status]')).toHaveAttribute('data-status', 'UP', { timeout: 1000 });
	}).toPass({ timeout: 30_000 });

	// 6. Stop the listener: DOWN after the next check.
	await listener.close();
	await expect(async () => {
		await pub.goto('/');
		await expect(pub.locator('[data-tag="journey-db"] [data-status]')).toHaveAttribute('data-status', 'DOWN', { timeout: 1000 });
	}).toPass({ timeout: 30_000 });
	await pub.close();

	// 7. Sign out: /admin is closed again, and the old cookie is dead server-side.
	const cookie = (await page.context().cookies()).find((c) => c.name === 'porthole_session')!;
	expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
	expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(29 * 86_400_000);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/admin\/login/);
	const closed = await request.get('/admin/monitors', { maxRedirects: 0 });
	expect(closed.status()).toBe(303);
	await page.goto('/admin/monitors/journey-db/edit');
	await expect(page).toHaveURL(/\/admin\/login\?next=/);
	const replay = await request.get('/admin/monitors', { headers: { cookie: `porthole_session=${cookie.value}` }, maxRedirects: 0 });
	expect(replay.status()).toBe(303);
	expect(errors).toEqual([]);
});
