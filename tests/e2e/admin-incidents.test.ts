// The admin's incident and maintenance pages, as an operator uses them: open
// an incident with a first update (the live preview renders Markdown the way
// visitors will see it, and a <script> as text), post an update, resolve;
// schedule a one-off window and a recurring one (its next five occurrences
// show before saving, and a broken rule is named beside its field), cancel
// one occurrence, end a window now.
import { test, type Page } from '@playwright/test';
import { expect, signIn } from './admin-helpers';

test.describe.configure({ mode: 'serial' });

/** "YYYY-MM-DDTHH:mm" of an instant in the zone, as a datetime-local input takes it. */
function local(t: number, timeZone: string): string {
	return new Intl.DateTimeFormat('sv-SE', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit'
	})
		.format(t)
		.replace(' ', 'T');
}

/** The site's zone, as the one-off form names it beside its start field. */
async function siteZone(page: Page): Promise<string> {
	const label = await page
		.getByText(/^Start \(/)
		.first()
		.textContent();
	return /\(([^)]+)\)/.exec(label ?? '')![1];
}

test('an incident: created with a first update, previewed, updated and resolved', async ({ page }) => {
	await signIn(page);
	await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Incidents' }).click();
	await expect(page).toHaveURL(/\/admin\/incidents$/);
	await page.getByRole('link', { name: 'New incident' }).click();
	await page.waitForLoadState('networkidle');

	// Nothing filled in: every field says what it needs, beside itself.
	await page.getByRole('button', { name: 'Publish incident' }).click();
	await expect(page.locator('[data-error="title"]')).toContainText('must not be empty');
	await expect(page.locator('[data-error="body"]')).toContainText('must not be empty');

	await page.getByLabel('Title').fill('E2E database slow');
	// Typing in a field clears its own message, not the others'.
	await expect(page.locator('[data-error="title"]')).toHaveCount(0);
	await expect(page.locator('[data-error="body"]')).toBeVisible();
	await page.getByRole('checkbox', { name: /Local echo/ }).check();
	await page.getByLabel('Impact on Local echo').selectOption('minor');
	await page.getByLabel('Message').fill('We are **looking** into it. <script>window.__pwned = 1</script>');

	// The live preview: bold as <strong>, the script tag as text (never an element).
	const preview = page.locator('[data-preview="body"]');
	await expect(preview.locator('strong')).toHaveText('looking');
	await expect(preview).toContainText('<script>window.__pwned = 1</script>');
	await expect(preview.locator('script')).toHaveCount(0);

	await page.getByRole('button', { name: 'Publish incident' }).click();
	await expect(page).toHaveURL(/\/admin\/incidents\/\d+\?created=1$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('E2E database slow');
	await expect(page.getByTestId('incident-state')).toHaveText('Investigating');
	await expect(page.locator('[data-update] strong').first()).toHaveText('looking');
	expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

	// A second update moves the state in the same form.
	await page.waitForLoadState('networkidle');
	await page.getByLabel('State').first().selectOption('identified');
	await page.getByLabel('Message').first().fill('Found it: a _slow_ replica.');
	await expect(page.locator('[data-preview="body"] em')).toHaveText('slow');
	await page.getByRole('button', { name: 'Post update' }).click();
	await expect(page.getByTestId('incident-state')).toHaveText('Identified');
	await expect(page.locator('[data-update]')).toHaveCount(2);
	await expect(page.locator('[data-update]').first()).toContainText('Found it: a slow replica.');
	await expect(page.getByLabel('Message').first()).toHaveValue('');

	await page.getByRole('button', { name: 'Resolve' }).click();
	await expect(page.getByTestId('incident-state')).toHaveText('Resolved');
	await expect(page.locator('[data-update]').first()).toContainText('This incident has been resolved.');
	await expect(page.getByRole('button', { name: 'Resolve' })).toHaveCount(0);

	await page.goto('/admin/incidents');
	await expect(page.locator('section', { hasText: 'Resolved' }).getByRole('link', { name: 'E2E database slow' })).toBeVisible();
});

test('maintenance: one-off and recurring, five occurrences before saving, cancel one, end now', async ({ page }) => {
	await signIn(page);
	await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Maintenance' }).click();
	await expect(page).toHaveURL(/\/admin\/maintenance$/);

	// One-off, in progress: began ten minutes ago, lasts an hour, typed in the site's zone.
	await page.getByRole('link', { name: 'New maintenance' }).click();
	await page.waitForLoadState('networkidle');
	const zone = await siteZone(page);
	const now = Date.now();
	await page.getByLabel('Title').fill('E2E switch swap');
	await page.getByRole('checkbox', { name: /Local echo/ }).check();
	await page.getByLabel(/^Start \(/).fill(local(now - 10 * 60_000, zone));
	await page.getByLabel(/^End \(/).fill(local(now + 50 * 60_000, zone));
	await expect(page.getByTestId('occurrences').locator('li')).toHaveCount(1);
	await page.getByRole('button', { name: 'Schedule maintenance' }).click();
	await expect(page).toHaveURL(/\/admin\/maintenance\/\d+\?saved=1$/);
	await expect(page.getByTestId('maintenance-state')).toHaveText('In progress');
	const oneOff = page.url().replace(/\?.*$/, '');

	// Recurring: a broken rule is named beside its field before saving; a preset gives five occurrences.
	await page.goto('/admin/maintenance/new', { waitUntil: 'networkidle' });
	await page.getByLabel('Title').fill('E2E weekly backups');
	await page.getByRole('checkbox', { name: /Local echo/ }).check();
	await page.getByRole('radio', { name: 'Recurring' }).check();
	await page.getByLabel('Repeats (RRULE)').fill('FREQ=SOMETIMES');
	await expect(page.locator('[data-error="window.rrule"]')).toBeVisible();
	await page.getByLabel('Preset').selectOption({ label: 'Weekly on Sunday' });
	await expect(page.getByLabel('Repeats (RRULE)')).toHaveValue('FREQ=WEEKLY;BYDAY=SU');
	await page.getByLabel('Duration (minutes)').fill('30');
	const next = page.getByTestId('occurrences').locator('li');
	await expect(next).toHaveCount(5);
	await expect(page.locator('[data-error="window.rrule"]')).toHaveCount(0);
	for (const li of await next.all()) await expect(li).toContainText(/^Sun /);
	const firstListed = await next.first().textContent();
	await page.getByRole('button', { name: 'Schedule maintenance' }).click();
	await expect(page).toHaveURL(/\/admin\/maintenance\/\d+\?saved=1$/);
	await expect(page.getByTestId('maintenance-state')).toHaveText('Scheduled');

	// Cancel the first occurrence: it leaves the list, the next one stays.
	const saved = page.locator('[data-occurrence]');
	await expect(saved.first()).toContainText(firstListed!.trim());
	const first = await saved.first().getAttribute('data-occurrence');
	const second = await saved.nth(1).getAttribute('data-occurrence');
	await saved
		.first()
		.getByRole('button', { name: /Cancel the occurrence/ })
		.click();
	await expect(page.getByTestId('message')).toHaveText('Occurrence cancelled');
	await expect(page.locator(`[data-occurrence="${first}"]`)).toHaveCount(0);
	await expect(saved.first()).toHaveAttribute('data-occurrence', second!);
	await expect(page.getByText(/^Cancelled:/)).toBeVisible();

	// End the one-off now, from the list's In progress section: it moves to Past.
	await page.goto('/admin/maintenance', { waitUntil: 'networkidle' });
	const id = oneOff.split('/').at(-1)!;
	const row = page.locator(`[data-section="now"] [data-maintenance="${id}"]`);
	await expect(row).toContainText('E2E switch swap');
	await expect(page.locator(`[data-section="next"]`)).toContainText('E2E weekly backups');
	await row.getByRole('button', { name: 'End now' }).click();
	await expect(page.locator(`[data-section="past"] [data-maintenance="${id}"]`)).toContainText('ended early');
	await expect(page.locator(`[data-section="now"] [data-maintenance="${id}"]`)).toHaveCount(0);
});
