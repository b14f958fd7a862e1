// A deploy pipeline over HTTP against the built server: keys made in the
// admin, a maintenance window "for the next 20 minutes" on a tag pattern that
// the running probe loop records as MAINTENANCE, then ended; an incident
// opened, updated and resolved; keys and ids judged as a client sends them.
import { test, type APIRequestContext } from '@playwright/test';
import { expect, signIn } from './admin-helpers';

test.describe.configure({ mode: 'serial' });

/** The last check's status of a public monitor, as /api/v1 reports it. */
async function statusOf(request: APIRequestContext, tag: string): Promise<string> {
	return (await (await request.get(`/api/v1/monitors/${tag}?limit=1`)).json()).status;
}

test('a deploy window over the API: the probe loop records MAINTENANCE until it is ended', async ({ page, request }) => {
	test.setTimeout(90_000);
	await signIn(page);
	await page.goto('/admin/keys');
	const createKey = async (name: string, scope: 'Read' | 'Write') => {
		await page.getByLabel('Name').fill(name);
		await page.getByLabel(scope).check();
		await page.getByRole('button', { name: 'Create key' }).click();
		await expect(page.getByTestId('new-key')).toContainText(`“${name}”`);
		return (await page.getByTestId('new-key').locator('code').textContent())!.trim();
	};
	const writeKey = await createKey('deploy pipeline', 'Write');
	const readKey = await createKey('dashboard', 'Read');
	const auth = (k: string) => ({ authorization: `Bearer ${k}` });
	const window = { title: 'Deploy 1.4', monitors: ['local-*'], window: { durationMinutes: 20 } };

	expect((await request.post('/api/v1/maintenance', { data: window })).status()).toBe(401);
	expect((await request.post('/api/v1/maintenance', { headers: auth(readKey), data: window })).status()).toBe(403);
	expect((await request.get('/api/v1/maintenance')).status()).toBe(401);
	const bad = await request.post('/api/v1/maintenance', {
		headers: auth(writeKey),
		data: { ...window, title: '', window: { rrule: 'FREQ=MINUTELY', dtstart: '2026-12-01T10:00', durationMinutes: 1, timeZone: 'UTC' } }
	});
	expect(bad.status()).toBe(400);
	expect((await bad.json()).errors.map((e: { path: string }) => e.path).sort()).toEqual(['title', 'window.rrule']);

	const created = await request.post('/api/v1/maintenance', { headers: auth(writeKey), data: window });
	expect(created.status()).toBe(201);
	const location = created.headers()['location'];
	const m = await created.json();
	expect(location).toBe(`/api/v1/maintenance/${m.id}`);
	expect(m).toMatchObject({ state: 'in_progress', monitors: [{ tag: 'local-echo' }] });

	// The probe loop (every 5 s here) records the window's checks as MAINTENANCE.
	await expect.poll(() => statusOf(request, 'local-echo'), { timeout: 30_000 }).toBe('MAINTENANCE');
	const read = await request.get(location, { headers: auth(readKey) });
	expect((await read.json()).id).toBe(m.id);

	const ended = await request.post(`${location}/end`, { headers: auth(writeKey) });
	expect(ended.status()).toBe(200);
	expect((await ended.json()).state).toBe('completed');
	await expect.poll(() => statusOf(request, 'local-echo'), { timeout: 30_000 }).toBe('UP');
	expect((await request.delete(location, { headers: auth(writeKey) })).status()).toBe(204);

	// An incident from open to resolved; the update's author is the key's name.
	const opened = await request.post('/api/v1/incidents', {
		headers: auth(writeKey),
		data: { title: 'Slow answers', body: 'Looking into it.', monitors: ['secret-hidden'] }
	});
	expect(opened.status()).toBe(201);
	const incident = await opened.json();
	expect(incident.monitors).toEqual([{ tag: 'secret-hidden', name: 'Hidden internal thing', impact: 'major' }]);
	expect(incident.updates[0].author).toBe('deploy pipeline (API key)');
	const resolved = await request.post(`/api/v1/incidents/${incident.id}/resolve`, { headers: auth(writeKey) });
	expect([resolved.status(), (await resolved.json()).state]).toEqual([200, 'resolved']);
	const last = await request.delete(`/api/v1/incidents/${incident.id}/updates/${incident.updates[0].id}`, { headers: auth(writeKey) });
	expect(last.status()).toBe(204);
	const only = (await (await request.get(`/api/v1/incidents/${incident.id}`, { headers: auth(readKey) })).json()).updates[0].id;
	expect((await request.delete(`/api/v1/incidents/${incident.id}/updates/${only}`, { headers: auth(writeKey) })).status()).toBe(409);
	expect((await request.delete(`/api/v1/incidents/${incident.id}`, { headers: auth(writeKey) })).status()).toBe(204);

	for (const id of ['1e9', '-1', 'abc', '99999999999', '%00']) {
		expect((await request.get(`/api/v1/incidents/${id}`, { headers: auth(readKey) })).status(), id).toBe(404);
		expect((await request.post(`/api/v1/maintenance/${id}/end`, { headers: auth(writeKey) })).status(), id).toBe(404);
	}
	// Too large (adapter-node's body limit or ours) and too deep are refused as monitor writes are.
	const huge = await request.post('/api/v1/incidents', {
		headers: { ...auth(writeKey), 'content-type': 'application/json' },
		data: JSON.stringify({ title: 'x', body: 'a'.repeat(1024 * 1024) })
	});
	expect(huge.status()).toBe(413);
	const deep = await request.post('/api/v1/incidents', {
		headers: { ...auth(writeKey), 'content-type': 'application/json' },
		data: '{"title":' + '['.repeat(100) + ']'.repeat(100) + '}'
	});
	expect(deep.status()).toBe(400);
	const listed = (await (await request.get('/api/v1/incidents?limit=100', { headers: auth(readKey) })).json()).incidents;
	expect(listed.map((i: { title: string }) => i.title)).not.toContain('x');
	expect(listed.map((i: { id: string }) => i.id)).not.toContain(incident.id);
});
