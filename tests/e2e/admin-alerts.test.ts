// The admin's alert channels, as an operator uses them: a webhook channel
// pointing at a receiver this test starts on 127.0.0.1, a refused form that
// names its fields, "Send test" and its delivery in the log (HTTP 200, signed
// with the secret), the secret never in the page's HTML, and an edit saved
// with the masked values left as shown keeping the secret.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { test } from '@playwright/test';
import { expect, signIn } from './admin-helpers';

test.describe.configure({ mode: 'serial' });

const SECRET = 'e2e-signing-secret-7a1f';
const TOKEN = 'e2e-url-token-c0ffee';
const received: { signature: string; body: string }[] = [];
let receiver: Server;
let hookUrl: string;

test.beforeAll(async () => {
	receiver = createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			received.push({ signature: String(req.headers['x-porthole-signature'] ?? ''), body });
			res.writeHead(200).end('ok');
		});
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
	hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/${TOKEN}`;
});
test.afterAll(async () => {
	await new Promise((r) => receiver?.close(r));
});

const signed = (m: { signature: string; body: string }) =>
	m.signature === `sha256=${createHmac('sha256', SECRET).update(m.body).digest('hex')}`;

test('a webhook channel: created, tested, its delivery logged with 200, its secret never shown', async ({ page }) => {
	await signIn(page);
	await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Alerts' }).click();
	await expect(page).toHaveURL(/\/admin\/alerts$/);
	await page.getByRole('link', { name: 'New channel' }).click();
	await page.waitForLoadState('networkidle');

	// Nothing filled in: each field says what it needs, beside itself.
	await page.getByRole('button', { name: 'Create channel' }).click();
	await expect(page.locator('[data-error="name"]')).toContainText('must be 1-64 lowercase letters');
	await expect(page.locator('[data-error="url"]')).toContainText('must be an http(s) URL');

	await page.getByRole('textbox', { name: /^Name/ }).fill('e2e-hook');
	await page.getByRole('textbox', { name: /^URL/ }).fill('ftp://not-http');
	await page.getByRole('textbox', { name: /^Signing secret/ }).fill(SECRET);
	await page.getByRole('button', { name: 'Create channel' }).click();
	await expect(page.locator('[data-error="url"]')).toContainText('got "ftp://not-http"');
	await expect(page.locator('[data-error="name"]')).toHaveCount(0);
	// The name typed is kept; the secret typed is not sent back.
	await expect(page.getByRole('textbox', { name: /^Name/ })).toHaveValue('e2e-hook');

	await page.getByRole('textbox', { name: /^URL/ }).fill(hookUrl);
	await page.getByRole('textbox', { name: /^Signing secret/ }).fill(SECRET);
	await page.getByRole('button', { name: 'Create channel' }).click();
	await expect(page).toHaveURL(/\/admin\/alerts\?saved=e2e-hook$/);
	const row = page.locator('tr[data-channel="e2e-hook"]');
	await expect(row).toContainText('Webhook');
	await expect(row).toContainText('/…ffee');

	await row.getByRole('button', { name: 'Send test' }).click();
	await expect(page.getByTestId('alerts-message')).toContainText('Test message queued');
	// The page refreshes itself while a message waits: the attempt shows up with its answer.
	const attempt = page.getByTestId('deliveries').locator('tr', { hasText: 'e2e-hook' });
	await expect(attempt).toHaveCount(1, { timeout: 20_000 });
	await expect(attempt).toContainText('test');
	await expect(attempt).toContainText('HTTP 200');
	expect(received).toHaveLength(1);
	expect(signed(received[0])).toBe(true);

	const html = await page.content();
	expect(html).not.toContain(SECRET);
	expect(html).not.toContain(TOKEN);
});

test('an edit saved with the masks left as shown keeps the secret and URL', async ({ page }) => {
	await signIn(page);
	await page.goto('/admin/alerts', { waitUntil: 'networkidle' });
	await page.locator('tr[data-channel="e2e-hook"]').getByRole('link', { name: 'e2e-hook' }).click();
	await page.waitForLoadState('networkidle');
	await expect(page.getByRole('textbox', { name: /^Signing secret/ })).toHaveValue(`…${SECRET.slice(-4)}`);
	expect(await page.content()).not.toContain(SECRET);
	await page.getByRole('textbox', { name: /^Storm threshold/ }).fill('12');
	await page.getByRole('button', { name: 'Save channel' }).click();
	await expect(page).toHaveURL(/\/admin\/alerts\?saved=e2e-hook$/);
	await expect(page.locator('tr[data-channel="e2e-hook"]')).toContainText('12/min');

	await page.locator('tr[data-channel="e2e-hook"]').getByRole('button', { name: 'Send test' }).click();
	await expect(page.getByTestId('deliveries').locator('tr', { hasText: 'e2e-hook' })).toHaveCount(2, { timeout: 20_000 });
	expect(received).toHaveLength(2);
	// Still the stored secret and URL: the masks were not written over them.
	expect(signed(received[1])).toBe(true);
});
