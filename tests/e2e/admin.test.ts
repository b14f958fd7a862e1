// The admin journey from issue 4, in one serial file: the unauthenticated
// guard walk first (nothing may change), then first-admin setup through the
// printed link, sign-in, a monitor against a listener this test owns,
// run-now, save, public page UP, listener stopped → DOWN, sign-out.
import { expect as baseExpect, test, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

test.describe.configure({ mode: 'serial' });
// The machine is shared and the first request after a build starts workers
// (probe, eval) and loads the CodeMirror chunk cold: allow 10 s per step.
const expect = baseExpect.configure({ timeout: 10_000 });

const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE = `http://127.0.0.1:${PORT}`;
const EMAIL = 'owner@porthole.test';
const PASSWORD = 'a long enough passphrase';
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
					data: method === 'GET' ? undefined : JSON.stringify({ tag: 'x', name: 'x', type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1' }] } }),
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
	expect(seen).toEqual(expect.arrayContaining(['POST /admin/monitors?/delete', 'DELETE /api/v1/monitors/local-echo', 'POST /api/v1/check']));
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
	const sockets = new Set<Socket>();
	const listener: Server = createServer((s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
		s.end();
	});
	await new Promise<void>((r) => listener.listen({ host: '127.0.0.1', port: 0 }, () => r()));
	const port = (listener.address() as { port: number }).port;

	// 1. First admin through the link the server printed.
	const linkFile = join(tmpdir(), `porthole-e2e-${PORT}-setup-link.txt`);
	await expect.poll(() => existsSync(linkFile), { timeout: 20_000 }).toBe(true);
	const link = readFileSync(linkFile, 'utf8').trim();
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
	// Nothing changed during the guard walk: still just the two fixtures.
	await expect(page.locator('tbody tr[data-tag]')).toHaveCount(2);
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
	await new Promise<void>((r) => {
		listener.close(() => r());
		for (const s of sockets) s.destroy();
	});
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

async function signIn(page: import('@playwright/test').Page) {
	await page.goto('/admin/login');
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/admin\/monitors$/);
}

test('API keys: read and write scopes, run-now over the API, revoke; export and import with a preview', async ({ page, request }) => {
	test.setTimeout(120_000);
	await page.setViewportSize({ width: 1440, height: 900 });
	await signIn(page);

	// Keys are shown once.
	await page.getByRole('link', { name: 'API keys' }).click();
	const createKey = async (name: string, scope: 'Read' | 'Write') => {
		await page.getByLabel('Name').fill(name);
		await page.getByLabel(scope).check();
		await page.getByRole('button', { name: 'Create key' }).click();
		await expect(page.getByTestId('new-key')).toContainText(`“${name}”`);
		return (await page.getByTestId('new-key').locator('code').textContent())!.trim();
	};
	const writeKey = await createKey('ci deploy', 'Write');
	const readKey = await createKey('grafana', 'Read');
	expect(writeKey).toMatch(/^ph_/);
	const auth = (k: string) => ({ authorization: `Bearer ${k}` });

	const listener = createServer((s) => s.end());
	await new Promise<void>((r) => listener.listen({ host: '127.0.0.1', port: 0 }, () => r()));
	const port = (listener.address() as { port: number }).port;
	const monitor = {
		tag: 'api-made',
		name: 'Made over the API',
		type: 'TCP',
		active: false,
		type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port, timeout: 1000 }] }
	};

	expect((await request.post('/api/v1/monitors', { headers: auth(readKey), data: monitor })).status()).toBe(403);
	const bad = await request.post('/api/v1/monitors', { headers: auth(writeKey), data: { ...monitor, type_data: { hosts: [{ host: '127.0.0.1', port: 0 }] } } });
	expect(bad.status()).toBe(400);
	expect((await bad.json()).errors).toEqual([{ path: 'type_data.hosts[0].port', message: 'must be 1-65535, got 0' }]);
	const created = await request.post('/api/v1/monitors', { headers: auth(writeKey), data: monitor });
	expect(created.status()).toBe(201);

	const check = await request.post('/api/v1/monitors/api-made/check', { headers: auth(writeKey) });
	expect(check.status()).toBe(200);
	const ran = await check.json();
	expect(ran.pings[0]).toMatchObject({ status: 'open', host: '127.0.0.1', port });
	expect(ran.result).toMatchObject({ status: 'UP' });
	expect(ran.timings.probeMs).toBeGreaterThan(0);

	const unsaved = await request.post('/api/v1/check', {
		headers: auth(writeKey),
		data: { type_data: { hosts: [{ host: '127.0.0.1', port }, { host: '127.0.0.1', port: 1 }] }, eval: EVAL_QUORUM_LIKE }
	});
	expect(unsaved.status()).toBe(200);
	const u = await unsaved.json();
	expect(u.pings.map((p: { status: string }) => p.status)).toEqual(['open', 'error']);
	expect(u.pings[1].error).toMatch(/^ECONNREFUSED/);
	expect(u.result.status).toBe('DEGRADED');
	await new Promise<void>((r) => listener.close(() => r()));

	// Private config needs a key; a read key is enough.
	expect((await request.get('/api/v1/config')).status()).toBe(401);
	const config = await request.get('/api/v1/config', { headers: auth(readKey) });
	expect(config.status()).toBe(200);
	expect((await config.json()).map((m: { tag: string }) => m.tag)).toContain('api-made');

	await page.reload();
	await expect(page.locator('[data-key="ci deploy"]')).not.toContainText('never');
	await page.screenshot({ path: 'tests/artifacts/admin-keys.png' });
	await page.locator('[data-key="ci deploy"]').getByRole('button', { name: 'Revoke' }).click();
	await expect(page.locator('[data-key="ci deploy"]')).toContainText('revoked');
	expect((await request.delete('/api/v1/monitors/api-made', { headers: auth(writeKey) })).status()).toBe(401);

	// Export everything, change one, add one, import with a preview.
	const exported = await (await page.request.get('/admin/export.json')).json();
	expect(exported.map((m: { tag: string }) => m.tag).sort()).toEqual(['api-made', 'journey-db', 'local-echo', 'secret-hidden']);
	const edited = exported.map((m: { tag: string; name: string }) => (m.tag === 'api-made' ? { ...m, name: 'Renamed by import' } : m));
	edited.push({ tag: 'imported', name: 'Imported one', type: 'TCP', active: false, type_data: { hosts: [{ host: '127.0.0.1', port: 1 }] } });
	await page.goto('/admin/import');
	await page.getByLabel('or paste JSON').fill(JSON.stringify(edited, null, 2));
	await page.getByRole('button', { name: 'Preview' }).click();
	const preview = page.getByTestId('import-preview');
	await expect(preview.locator('[data-tag="imported"]')).toContainText('create');
	await expect(preview.locator('[data-tag="api-made"]')).toContainText('update');
	await expect(preview.locator('[data-tag="local-echo"]')).toContainText('unchanged');
	await page.screenshot({ path: 'tests/artifacts/admin-import.png' });
	// Nothing written by the preview.
	expect((await (await page.request.get('/admin/export.json')).json()).length).toBe(4);
	await page.getByRole('button', { name: 'Apply 2 changes' }).click();
	await expect(page.getByTestId('import-done')).toContainText('1 created, 1 updated, 3 unchanged');
	await page.goto('/admin/monitors');
	await expect(page.locator('tr[data-tag="imported"]')).toBeVisible();
	await expect(page.locator('tr[data-tag="api-made"]')).toContainText('Renamed by import');
	await page.screenshot({ path: 'tests/artifacts/admin-monitors-after-import.png' });

	// Delete asks for the tag first.
	const row = page.locator('tr[data-tag="imported"]');
	await row.getByRole('button', { name: 'Delete' }).click();
	const confirmBtn = page.getByRole('button', { name: 'Delete forever' });
	await expect(confirmBtn).toBeDisabled();
	await page.getByLabel(/Type imported to confirm/).fill('imported');
	await confirmBtn.click();
	await expect(page.locator('tr[data-tag="imported"]')).toHaveCount(0);
	await expect(page.getByText('Deleted imported and its history')).toBeVisible();

	// Admins add admins; there is no other way to get an account.
	await page.goto('/admin/settings');
	await page.getByLabel('Email').fill('second@porthole.test');
	await page.getByLabel(/^First password/).fill('short');
	await page.getByRole('button', { name: 'Add admin' }).click();
	await expect(page.getByText('Password must be at least 10 characters')).toBeVisible();
	await page.getByLabel(/^First password/).fill('another long passphrase');
	await page.getByRole('button', { name: 'Add admin' }).click();
	await expect(page.getByText('Added second@porthole.test')).toBeVisible();
	await expect(page.locator('ul').getByText('second@porthole.test')).toBeVisible();

	// A bad import is refused whole.
	await page.goto('/admin/import');
	await page.getByLabel('or paste JSON').fill('[{"tag":"x","name":"X","type":"TCP","type_data":{"hosts":[{"host":"127.0.0.1","port":70000}]}}]');
	await page.getByRole('button', { name: 'Preview' }).click();
	await expect(page.getByTestId('import-errors')).toContainText('monitors[0].type_data.hosts[0].port: must be 1-65535, got 70000');
});

test('sign-in throttling answers 429 without saying whether the account exists', async ({ request }) => {
	const attempt = (email: string) =>
		request.post('/admin/login', { form: { email, password: 'wrong wrong wrong' }, headers: { origin: BASE, accept: 'application/json' } });
	// The form action answers through SvelteKit's JSON envelope: the real status sits inside.
	const known = await (await attempt(EMAIL)).json();
	const first = await (await attempt('ghost@porthole.test')).json();
	// Identical apart from the echoed email.
	expect({ ...first, data: first.data.replace('ghost@porthole.test', 'E') }).toEqual({ ...known, data: known.data.replace(EMAIL, 'E') });
	expect(first).toMatchObject({ type: 'failure', status: 400 });
	expect(first.data).toContain('Email or password is not correct');
	for (let i = 0; i < 3; i++) expect((await (await attempt('ghost@porthole.test')).json()).status).toBe(400);
	const locked = await (await attempt('ghost@porthole.test')).json();
	expect(locked.status).toBe(429);
	expect(locked.data).toContain('Too many failed sign-ins');
});

const EVAL_QUORUM_LIKE = `(function (pings) {
    const open = pings.filter((p) => p.status === "open").length
    return { status: open === pings.length ? "UP" : open > 0 ? "DEGRADED" : "DOWN", latency: 1 }
})`;
