// An incident from both sides: an admin opens it in the admin pages, a
// visitor (a separate browser context, no session) sees it on / (card and
// banner) and on the affected monitor's page, the admin posts two updates and
// resolves it, and then it has left / for /history, and the Atom feed (parsed
// by a feed parser, not string-matched) and Statuspage's incidents.json show
// it with its whole timeline.
import { test, type Browser, type Page } from '@playwright/test';
import { parseFeed } from '@rowanmanning/feed-parser';
import { expect, signIn } from './admin-helpers';

test.describe.configure({ mode: 'serial' });

const TITLE = `Journey: echo refuses connections ${Date.now().toString(36)}`;

async function visitor(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	return context.newPage();
}

async function postUpdate(page: Page, state: string, body: string) {
	await page.waitForLoadState('networkidle');
	await page.getByLabel('State').first().selectOption(state);
	await page.getByLabel('Message').first().fill(body);
	await page.getByRole('button', { name: 'Post update' }).click();
}

test('an incident is opened, seen by visitors, updated twice, resolved, and moves to the history, the feed and incidents.json', async ({
	page,
	browser,
	request
}) => {
	// The banner as the probes alone make it, before the incident.
	const v = await visitor(browser);
	await v.goto('/');
	const before = await v.locator('[data-banner]').getAttribute('data-banner');
	expect(await v.locator('[data-banner]').textContent()).not.toContain('Major outage');

	await signIn(page);
	await page.goto('/admin/incidents/new');
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Title').fill(TITLE);
	await page.getByRole('checkbox', { name: /Local echo/ }).check();
	await page.getByLabel('Impact on Local echo').selectOption('critical');
	await page.getByLabel('Message').fill('Connections to the echo service are **refused**.');
	await page.getByRole('button', { name: 'Publish incident' }).click();
	await expect(page).toHaveURL(/\/admin\/incidents\/\d+\?created=1$/);
	const id = /\/admin\/incidents\/(\d+)/.exec(page.url())![1];

	// The visitor: the card at the top of /, the banner raised by the incident over what the probes say.
	await v.goto('/');
	const card = v.locator(`[data-incident="${id}"]`);
	await expect(card.getByRole('link', { name: TITLE })).toBeVisible();
	await expect(card).toHaveAttribute('data-impact', 'critical');
	await expect(card).toContainText('Critical impact');
	await expect(card).toContainText('Investigating');
	await expect(card.getByRole('list', { name: 'Affected monitors' })).toContainText('Local echo');
	await expect(v.locator('[data-banner]')).toContainText('Major outage');
	// Discoverable feed.
	await expect(v.locator('head link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute('href', /feed\.atom$/);

	// The monitor's own page lists it.
	await card.getByRole('link', { name: 'Local echo' }).click();
	await expect(v).toHaveURL(/\/monitors\/local-echo$/);
	await expect(v.locator('section[aria-labelledby="notices-h"]').getByRole('link', { name: TITLE })).toBeVisible();

	// Two updates, each moving the state; the visitor sees the latest.
	await postUpdate(page, 'identified', 'The listener was _restarted_ with the wrong port.');
	await expect(page.getByTestId('incident-state')).toHaveText('Identified');
	await postUpdate(page, 'monitoring', 'Fixed; watching the retries.');
	await expect(page.getByTestId('incident-state')).toHaveText('Monitoring');
	await v.goto('/');
	await expect(v.locator(`[data-incident="${id}"]`)).toContainText('Monitoring');
	await expect(v.locator(`[data-incident="${id}"]`)).toContainText('Fixed; watching the retries.');

	await page.getByRole('button', { name: 'Resolve' }).click();
	await expect(page.getByTestId('incident-state')).toHaveText('Resolved');

	// Resolved: gone from /, the banner back to what the probes say.
	await v.goto('/');
	await expect(v.locator(`[data-incident="${id}"]`)).toHaveCount(0);
	await expect(v.locator('[data-banner]')).not.toContainText('Major outage');
	await expect(v.locator('[data-banner]')).toHaveAttribute('data-banner', before!);

	// The timeline, newest first, Markdown rendered, and the history lists it.
	await v.goto(`/incidents/${id}`);
	await expect(v.getByRole('heading', { level: 1 })).toHaveText(TITLE);
	const updates = v.locator('[data-update]');
	await expect(updates).toHaveCount(4);
	await expect(updates.nth(0)).toContainText('This incident has been resolved.');
	await expect(updates.nth(2).locator('em')).toHaveText('restarted');
	await expect(updates.nth(3).locator('strong')).toHaveText('refused');
	await v.goto('/history');
	await expect(v.locator('[data-entry]').getByRole('link', { name: TITLE })).toBeVisible();

	// The feed, as a feed reader reads it.
	const feedRes = await request.get('/feed.atom');
	expect(feedRes.status()).toBe(200);
	expect(feedRes.headers()['content-type']).toMatch(/^application\/atom\+xml/);
	const feed = parseFeed(await feedRes.text());
	const item = feed.items.find((i) => i.title === TITLE);
	expect(item, 'the incident is in the feed').toBeTruthy();
	expect(item!.url).toMatch(new RegExp(`/incidents/${id}$`));

	// Statuspage's incidents.json: resolved, every update, the monitor as a component.
	const json = await (await request.get('/api/v2/incidents.json')).json();
	const inc = json.incidents.find((i: { id: string }) => i.id === id);
	expect(inc).toMatchObject({ name: TITLE, status: 'resolved', impact: 'critical' });
	expect(inc.resolved_at).not.toBeNull();
	expect(inc.incident_updates.map((u: { status: string }) => u.status)).toEqual(['resolved', 'monitoring', 'identified', 'investigating']);
	expect(inc.components.map((c: { name: string }) => c.name)).toEqual(['Local echo']);
	const unresolved = await (await request.get('/api/v2/incidents/unresolved.json')).json();
	expect(unresolved.incidents.map((i: { id: string }) => i.id)).not.toContain(id);
	await v.context().close();
});
