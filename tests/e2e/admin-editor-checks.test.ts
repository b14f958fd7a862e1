// The hosts table's Check line: a preset with TLS and a custom send/expect pair
// are set with visible controls (keyboard included), saved through the usual
// form, and exported as the spec's host fields; a plain host stays plain.
import { test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { BASE, expect, signIn } from './admin-helpers';

const TAG = 'editor-checks';
const SHOTS = process.env.SHOTS_DIR ?? 'tests/artifacts';

test('check picker, TLS, custom send/expect, save and export', async ({ page }) => {
	test.setTimeout(60_000);
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.setViewportSize({ width: 1440, height: 1000 });
	await signIn(page);
	await page.goto('/admin/monitors/new', { waitUntil: 'networkidle' });

	await page.getByLabel('Name', { exact: true }).fill('Editor checks');
	await page.getByLabel(/^Tag/).fill(TAG);
	await page.getByLabel('Schedule (cron)').fill('*/5 * * * * *');
	await page.getByLabel('Host 0', { exact: true }).fill('127.0.0.1');
	await page.getByLabel('Service of host 0').selectOption({ label: 'Redis 6379' });
	await page.getByRole('button', { name: '+ Add host' }).click();
	await page.getByLabel('Host 1', { exact: true }).fill('127.0.0.2');

	// Defaults: open port only, no TLS, no Send/Expect inputs.
	const check = page.getByLabel('Check of host 0');
	const tls = page.getByLabel('TLS of host 0');
	await expect(check).toHaveValue('');
	await expect(check.locator('option:checked')).toHaveText('Open port only (default)');
	await expect(tls).not.toBeChecked();
	await expect(page.getByLabel('Send of host 0')).toHaveCount(0);
	await expect(page.getByLabel('Check of host 1')).toHaveValue('');

	// Keyboard: Tab from the service picker reaches Check, then TLS; Space ticks it.
	await page.getByLabel('Service of host 0').focus();
	await page.keyboard.press('Tab');
	await expect(check).toBeFocused();
	await check.selectOption({ label: 'Redis PING' });
	await page.keyboard.press('Tab');
	await expect(tls).toBeFocused();
	await page.keyboard.press('Space');
	await expect(tls).toBeChecked();

	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page).toHaveURL(new RegExp(`/admin/monitors/${TAG}/edit\\?saved=created$`));
	const savedHosts = async () => {
		const exported = await (await page.request.get('/admin/export.json')).json();
		return exported.find((m: { tag: string }) => m.tag === TAG).type_data.hosts;
	};
	expect(await savedHosts()).toEqual([
		{ type: 'tcp', host: '127.0.0.1', port: 6379, timeout: 1000, preset: 'redis', tls: true },
		{ type: 'tcp', host: '127.0.0.2', port: 80, timeout: 1000 }
	]);
	await expect(page.getByLabel('Check of host 0')).toHaveValue('redis');
	await expect(page.getByLabel('TLS of host 0')).toBeChecked();
	await expect(page.getByLabel('Check of host 1')).toHaveValue('');

	// Custom: Send typed with escapes, Expect left blank first (the server's error shows under the row).
	await page.getByLabel('Check of host 0').selectOption({ label: 'Custom send/expect' });
	const send = page.getByLabel('Send of host 0');
	const exp = page.getByLabel('Expect of host 0');
	await expect(send).toHaveValue('');
	await send.fill('PING\\r\\n');
	await page.getByLabel('TLS of host 0').uncheck();
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByTestId('host-check-0')).toContainText('needs expect');
	await expect(exp).toHaveAttribute('aria-invalid', 'true');
	expect((await savedHosts())[0].preset).toBe('redis');

	await exp.fill('+PONG');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByTestId('host-check-0')).not.toContainText('needs expect');
	await expect(page.getByText('Unsaved')).toHaveCount(0);
	expect(await savedHosts()).toEqual([
		{ type: 'tcp', host: '127.0.0.1', port: 6379, timeout: 1000, send: 'PING\r\n', expect: '+PONG' },
		{ type: 'tcp', host: '127.0.0.2', port: 80, timeout: 1000 }
	]);
	await page.reload({ waitUntil: 'networkidle' });
	await expect(page.getByLabel('Check of host 0')).toHaveValue('custom');
	await expect(page.getByLabel('Send of host 0')).toHaveValue('PING\\r\\n');
	await expect(page.getByLabel('Expect of host 0')).toHaveValue('+PONG');
	await expect(page.getByLabel('TLS of host 0')).not.toBeChecked();

	await page.getByLabel('TLS of host 0').check();
	await page.mouse.move(0, 0);
	mkdirSync(SHOTS, { recursive: true });
	await page.locator('[data-row="0"]').screenshot({ path: `${SHOTS}/editor-checks.png` });
	await page
		.locator('ol')
		.first()
		.screenshot({ path: `${SHOTS}/editor-checks-rows.png` });

	// Leave no monitor behind for the files that count them.
	const del = await page.request.post('/admin/monitors?/delete', { form: { tag: TAG, confirm: TAG }, headers: { origin: BASE } });
	expect(del.ok()).toBe(true);
	expect(errors).toEqual([]);
});
