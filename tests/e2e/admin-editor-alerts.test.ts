// The monitor editor's Alerts section: a bad number is refused beside its
// field with everything typed kept; a good save stores confirm and the ticked
// channel and shows them again on reload. Channels show name and type, never
// their config. The channel is made in the server's database (no channel
// admin page is assumed here).
import { test } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { alertChannels, monitors } from '../../src/lib/server/db/schema';
import { createChannel } from '../../src/lib/server/db/queries/alerts';
import { getMonitorSpec } from '../../src/lib/server/db/queries/monitors';
import { expect, PORT, signIn } from './admin-helpers';

const TAG = 'editor-alerts';
const CHANNEL = 'e2e-ops-hook';
const SECRET = 'e2e-very-secret-value';
const SHOTS = process.env.SHOTS_DIR ?? 'tests/artifacts';
let database: Database;

test.beforeAll(async () => {
	const url = readFileSync(join(tmpdir(), `porthole-e2e-${PORT}-database-url.txt`), 'utf8').trim();
	database = await openDatabase({ url, migrate: false, max: 2 });
	await database.db.delete(monitors).where(eq(monitors.tag, TAG));
	await database.db.delete(alertChannels).where(eq(alertChannels.name, CHANNEL));
	await createChannel(database.db, { name: CHANNEL, type: 'webhook', config: { url: `http://127.0.0.1:1/${SECRET}`, secret: SECRET } });
});

test.afterAll(async () => {
	await database?.db.delete(monitors).where(eq(monitors.tag, TAG));
	await database?.db.delete(alertChannels).where(eq(alertChannels.name, CHANNEL));
	await database?.close();
});

test('alerts section: error beside the field, values kept, saved settings shown again', async ({ page }) => {
	test.setTimeout(60_000);
	await page.setViewportSize({ width: 1440, height: 1000 });
	await signIn(page);
	await page.goto('/admin/monitors/new', { waitUntil: 'networkidle' });
	const section = page.getByTestId('alert-settings');
	await expect(section.getByText(CHANNEL)).toBeVisible();
	await expect(section).toContainText('webhook');
	expect(await page.content()).not.toContain(SECRET);

	await page.getByLabel('Name', { exact: true }).fill('Editor alerts');
	await page.getByLabel(/^Tag/).fill(TAG);
	await page.getByLabel('Host 0', { exact: true }).fill('127.0.0.1');
	await page.getByLabel(/^Down after/).fill('0');
	await page.getByLabel(/^Remind every/).fill('30');
	await page.getByLabel('DEGRADED alerts', { exact: false }).check();
	await section.getByLabel(CHANNEL).check();
	await page.getByRole('button', { name: 'Save' }).click();

	await expect(page.locator('#e-confirm_down')).toHaveText('Down after must be 1-100, got 0');
	await expect(page.getByLabel(/^Down after/)).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel(/^Remind every/)).toHaveValue('30');
	await expect(section.getByLabel(CHANNEL)).toBeChecked();
	expect(await getMonitorSpec(database.db, TAG)).toBeNull();
	mkdirSync(SHOTS, { recursive: true });
	await section.screenshot({ path: join(SHOTS, 'editor-alerts-error.png') });

	await page.getByLabel(/^Down after/).fill('3');
	await page.getByRole('button', { name: 'Save' }).click();
	await page.waitForURL(`**/admin/monitors/${TAG}/edit**`);
	expect(await getMonitorSpec(database.db, TAG)).toMatchObject({
		confirm: { down: 3, up: 2, degraded: true, remindMinutes: 30 },
		channels: [CHANNEL]
	});

	await page.reload({ waitUntil: 'networkidle' });
	await expect(page.getByLabel(/^Down after/)).toHaveValue('3');
	await expect(page.getByLabel(/^Recovered after/)).toHaveValue('2');
	await expect(page.getByLabel(/^Remind every/)).toHaveValue('30');
	await expect(page.getByLabel('DEGRADED alerts', { exact: false })).toBeChecked();
	await expect(page.getByTestId('alert-settings').getByLabel(CHANNEL)).toBeChecked();
	expect(await page.content()).not.toContain(SECRET);
});
