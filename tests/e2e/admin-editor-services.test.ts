// The hosts table's spec helpers: the service picker fills the port (mouse
// and keyboard; "Custom" leaves it alone), the timeout warning for a loopback
// host, a save that stores only the port, and the troubleshooting hint the
// monitor's own checks bring up once its port is refused.
import { test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { closedPort } from '../fixtures/net';
import { BASE, expect, signIn } from './admin-helpers';

const TAG = 'editor-services';
const SHOTS = process.env.SHOTS_DIR ?? 'tests/artifacts';

test('service picker, timeout warning, save, troubleshooting hint', async ({ page }) => {
	test.setTimeout(90_000);
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.setViewportSize({ width: 1440, height: 1000 });
	await signIn(page);
	await page.goto('/admin/monitors/new', { waitUntil: 'networkidle' });

	await page.getByLabel('Name', { exact: true }).fill('Editor services');
	await page.getByLabel(/^Tag/).fill(TAG);
	await page.getByLabel('Schedule (cron)').fill('*/5 * * * * *');
	await page.getByLabel('Host 0', { exact: true }).fill('127.0.0.1');
	const service = page.getByLabel('Service of host 0');
	const port = page.getByLabel('Port of host 0');
	const timeout = page.getByLabel('Timeout of host 0 in ms');

	// A new row's port 80 is no listed service.
	await expect(service).toHaveValue('custom');
	await service.selectOption({ label: 'Redis 6379' });
	await expect(port).toHaveValue('6379');

	// Keyboard: arrows on the closed picker move through the services and fill the port.
	await service.focus();
	await page.keyboard.press('ArrowDown');
	await expect(port).toHaveValue('9042');
	await page.keyboard.press('ArrowUp');
	await expect(port).toHaveValue('6379');

	// A typed port that is a known service shows it; "Custom" leaves the port as typed.
	await port.fill('587');
	await expect(service).toHaveValue('587');
	await expect(service.locator('option:checked')).toHaveText('SMTP submission 587');
	await service.selectOption('custom');
	await expect(port).toHaveValue('587');
	await expect(service).toHaveValue('custom');
	await service.selectOption({ label: 'Redis 6379' });
	await expect(port).toHaveValue('6379');

	// The guidance for a loopback host, then the warning for 10 s.
	await expect(page.getByTestId('timeout-hint-0')).toHaveText('500–1000 ms for a local host');
	await expect(timeout).toHaveAttribute('aria-describedby', 't-h0');
	await timeout.fill('10000');
	const warning = page.getByTestId('timeout-warning-0');
	await expect(warning).toContainText('10000 ms is long for a local host: the spec suggests at most 1000 ms');
	await expect(timeout).toHaveAttribute('aria-describedby', 't-h0 w-h0');

	await page.mouse.move(0, 0);
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/editor-services.png` });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: `${SHOTS}/editor-services-dark.png` });
	await page.emulateMedia({ colorScheme: 'light' });

	// A warning does not stop the save; the stored JSON has the port and nothing about services.
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page).toHaveURL(new RegExp(`/admin/monitors/${TAG}/edit\\?saved=created$`));
	await expect(page.getByTestId('saved')).toBeVisible();
	const exported = await (await page.request.get('/admin/export.json')).json();
	const saved = exported.find((m: { tag: string }) => m.tag === TAG);
	expect(saved.type_data).toEqual({ hosts: [{ type: 'tcp', host: '127.0.0.1', port: 6379, timeout: 10000 }] });
	await expect(page.getByLabel('Service of host 0')).toHaveValue('6379');

	// Point it at a refused loopback port: its own checks bring up the spec's "Always error".
	const refused = await closedPort();
	await page.getByLabel('Port of host 0').fill(String(refused));
	await page.getByLabel('Timeout of host 0 in ms').fill('1000');
	await expect(page.getByLabel('Service of host 0')).toHaveValue('custom');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Unsaved')).toHaveCount(0);
	await expect(async () => {
		await page.reload({ waitUntil: 'networkidle' });
		await expect(page.locator('[data-hint="always-error"]')).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 45_000 });
	const hint = page.getByTestId('host-hints-0');
	await expect(hint).toContainText('Always error');
	await expect(hint).toContainText('ECONNREFUSED');
	await expect(hint).toContainText('Possible cause: Service not running or wrong port. Solution: Verify service status and port number.');
	await expect(page.locator('[data-hint]')).toHaveCount(1);
	await page.screenshot({ path: `${SHOTS}/editor-services-hint.png` });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.getByTestId('host-hints-0').scrollIntoViewIfNeeded();
	await page.screenshot({ path: `${SHOTS}/editor-services-mobile.png` });

	// Leave no monitor behind for the files that count them.
	const del = await page.request.post('/admin/monitors?/delete', { form: { tag: TAG, confirm: TAG }, headers: { origin: BASE } });
	expect(del.ok()).toBe(true);
	expect(errors).toEqual([]);
});
