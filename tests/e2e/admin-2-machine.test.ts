// Machine access and bulk moves, after the journey (or on their own: the
// helper signs in either way): API keys and scopes, run-now over the API,
// revoke, export and import with a preview, delete, adding an admin, and
// sign-in throttling last (it locks an address's attempts for 15 minutes).
import { test } from '@playwright/test';
import { listen } from '../fixtures/net';
import { BASE, EMAIL, expect, signIn } from './admin-helpers';

test.describe.configure({ mode: 'serial' });

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

	const listener = await listen('127.0.0.1');
	const { port } = listener;
	const monitor = {
		tag: 'api-made',
		name: 'Made over the API',
		type: 'TCP',
		active: false,
		type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port, timeout: 1000 }] }
	};

	expect((await request.post('/api/v1/monitors', { headers: auth(readKey), data: monitor })).status()).toBe(403);
	const bad = await request.post('/api/v1/monitors', {
		headers: auth(writeKey),
		data: { ...monitor, type_data: { hosts: [{ host: '127.0.0.1', port: 0 }] } }
	});
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
		data: {
			type_data: {
				hosts: [
					{ host: '127.0.0.1', port },
					{ host: '127.0.0.1', port: 1 }
				]
			},
			eval: EVAL_QUORUM_LIKE
		}
	});
	expect(unsaved.status()).toBe(200);
	const u = await unsaved.json();
	expect(u.pings.map((p: { status: string }) => p.status)).toEqual(['open', 'error']);
	expect(u.pings[1].error).toMatch(/^ECONNREFUSED/);
	expect(u.result.status).toBe('DEGRADED');
	await listener.close();

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
	expect(exported.map((m: { tag: string }) => m.tag)).toEqual(expect.arrayContaining(['api-made', 'local-echo', 'secret-hidden']));
	const edited = exported.map((m: { tag: string; name: string }) => (m.tag === 'api-made' ? { ...m, name: 'Renamed by import' } : m));
	edited.push({
		tag: 'imported',
		name: 'Imported one',
		type: 'TCP',
		active: false,
		type_data: { hosts: [{ host: '127.0.0.1', port: 1 }] }
	});
	await page.goto('/admin/import');
	await page.getByLabel('or paste JSON').fill(JSON.stringify(edited, null, 2));
	await page.getByRole('button', { name: 'Preview' }).click();
	const preview = page.getByTestId('import-preview');
	await expect(preview.locator('[data-tag="imported"]')).toContainText('create');
	await expect(preview.locator('[data-tag="api-made"]')).toContainText('update');
	await expect(preview.locator('[data-tag="local-echo"]')).toContainText('unchanged');
	await page.screenshot({ path: 'tests/artifacts/admin-import.png' });
	// Nothing written by the preview.
	expect((await (await page.request.get('/admin/export.json')).json()).length).toBe(exported.length);
	await page.getByRole('button', { name: 'Apply 2 changes' }).click();
	await expect(page.getByTestId('import-done')).toContainText(`1 created, 1 updated, ${exported.length - 1} unchanged`);
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
	await page
		.getByLabel('or paste JSON')
		.fill('[{"tag":"x","name":"X","type":"TCP","type_data":{"hosts":[{"host":"127.0.0.1","port":70000}]}}]');
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
