// /api/v1 incidents and maintenance as a deploy pipeline reaches them: each
// request goes through the real admin guard (hooks/admin-guard.ts, judging
// the access policy on the route id) into the real route file, on a real
// database with real API keys and sessions. What is stood in for is only
// SvelteKit's router: the route id and params a request matched, and cookies.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../src/lib/server/db/testing';
import { monitorsByTag } from '../../src/lib/server/db/queries/incidents';
import { Notices } from '../../src/lib/server/notices/cache';
import { MaintenanceIndex } from '../../src/lib/server/probe/maintenance';
import { adminGuard } from '../../src/lib/server/hooks/admin-guard';
import { createApiKey, revokeApiKey } from '../../src/lib/server/auth/keys';
import { createAdmin } from '../../src/lib/server/auth/admins';
import { createSession, SESSION_COOKIE } from '../../src/lib/server/auth/sessions';
import { countRows, seedNoticeMonitors } from '../../src/lib/server/notices/testing';

type Handler = (event: RequestEvent) => Response | Promise<Response>;
/** Each route file, by the route id the router would have matched (their handlers take a typed event; the guard's is plain). */
const ROUTE_FILES: Record<string, () => Promise<object>> = {
	'/api/v1/incidents': () => import('../../src/routes/api/v1/incidents/+server'),
	'/api/v1/incidents/[id]': () => import('../../src/routes/api/v1/incidents/[id]/+server'),
	'/api/v1/incidents/[id]/updates': () => import('../../src/routes/api/v1/incidents/[id]/updates/+server'),
	'/api/v1/incidents/[id]/updates/[updateId]': () => import('../../src/routes/api/v1/incidents/[id]/updates/[updateId]/+server'),
	'/api/v1/incidents/[id]/resolve': () => import('../../src/routes/api/v1/incidents/[id]/resolve/+server'),
	'/api/v1/maintenance': () => import('../../src/routes/api/v1/maintenance/+server'),
	'/api/v1/maintenance/[id]': () => import('../../src/routes/api/v1/maintenance/[id]/+server'),
	'/api/v1/maintenance/[id]/end': () => import('../../src/routes/api/v1/maintenance/[id]/end/+server'),
	'/api/v1/maintenance/[id]/cancel': () => import('../../src/routes/api/v1/maintenance/[id]/cancel/+server')
};

const ORIGIN = 'http://127.0.0.1:3421';
const MIN = 60_000;

interface Call {
	key?: string;
	session?: string;
	body?: unknown;
	/** Sent as it is (no content type unless `type` says). */
	raw?: string;
	type?: string;
	headers?: Record<string, string>;
}

describe.each(DRIVERS)('the incidents and maintenance API behind the guard on %s', (driver) => {
	let t: TestDatabase;
	let app: App.Locals['app'];
	let writeKey: string;
	let readKey: string;
	let readKeyId: number;
	let session: string;

	/** Sends `method path` as the router would hand it over after matching `routeId`. */
	async function call(method: string, routeId: string, params: Record<string, string>, c: Call = {}) {
		const path = routeId.replace(/\[(\w+)\]/g, (_, k: string) => encodeURIComponent(params[k]));
		const url = new URL(ORIGIN + path);
		const headers = new Headers(c.headers);
		if (c.key) headers.set('authorization', `Bearer ${c.key}`);
		let body: string | undefined;
		if (c.body !== undefined) {
			body = JSON.stringify(c.body);
			headers.set('content-type', 'application/json');
		} else if (c.raw !== undefined) {
			body = c.raw;
			if (c.type) headers.set('content-type', c.type);
		}
		const request = new Request(url, { method, headers, body });
		const mod = (await ROUTE_FILES[routeId]()) as Record<string, Handler | undefined>;
		const event = {
			request,
			url,
			params,
			route: { id: routeId },
			locals: { app } as App.Locals,
			cookies: { get: (n: string) => (n === SESSION_COOKIE ? c.session : undefined), set() {}, delete() {} },
			isRemoteRequest: false,
			isDataRequest: false,
			getClientAddress: () => '127.0.0.1'
		} as unknown as RequestEvent;
		const res = await adminGuard({
			event,
			resolve: async (e) => mod[method]?.(e) ?? new Response(null, { status: 405 })
		});
		const text = await res.text();
		return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
	}
	const count = (table: string) => countRows(t, table);

	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await seedNoticeMonitors(t);
		app = { database: t, notices: new Notices({ db: t.db }), scheduler: null } as unknown as App.Locals['app'];
		writeKey = (await createApiKey(t.db, { name: 'deploy pipeline', scope: 'write', createdBy: null })).key;
		const ro = await createApiKey(t.db, { name: 'grafana', scope: 'read', createdBy: null });
		readKey = ro.key;
		readKeyId = ro.id;
		const admin = await createAdmin(t.db, { email: 'ops@example.com', name: 'Ops', password: 'a long enough passphrase' });
		if (!admin.ok) throw new Error('admin');
		session = (await createSession(t.db, admin.id)).token;
	});

	it('opens "maintenance for the next 20 minutes on db-*" with a write key, and closes it', async () => {
		const started = Date.now();
		const r = await call(
			'POST',
			'/api/v1/maintenance',
			{},
			{ key: writeKey, body: { title: 'Deploy', monitors: ['db-*'], window: { durationMinutes: 20 } } }
		);
		expect(r.status).toBe(201);
		expect(r.headers.get('location')).toBe(`/api/v1/maintenance/${r.json.id}`);
		expect(r.headers.get('content-type')).toMatch(/^application\/json/);
		expect(r.json).toMatchObject({ state: 'in_progress', monitors: [{ tag: 'db-main' }, { tag: 'db-replica' }] });
		const { start, end } = r.json.window;
		expect(Date.parse(start)).toBeGreaterThanOrEqual(started - 1000);
		expect(Date.parse(end) - Date.parse(start)).toBe(20 * MIN);

		const tags = await monitorsByTag(t.db);
		const index = new MaintenanceIndex();
		await index.refresh(t.db);
		const soon = new Date(Date.now() + MIN);
		expect(index.covers(tags.get('db-main')!.id, soon)).toBe(true);
		expect(index.covers(tags.get('db-replica')!.id, soon)).toBe(true);
		expect(index.covers(tags.get('web')!.id, soon)).toBe(false);

		const read = await call('GET', '/api/v1/maintenance/[id]', { id: r.json.id }, { key: readKey });
		expect([read.status, read.json.id]).toEqual([200, r.json.id]);
		const ended = await call('POST', '/api/v1/maintenance/[id]/end', { id: r.json.id }, { key: writeKey });
		expect(ended.status).toBe(200);
		expect(ended.json).toMatchObject({ state: 'completed', next: [] });
		await index.refresh(t.db);
		expect(index.covers(tags.get('db-main')!.id, new Date(Date.now() + MIN))).toBe(false);
	});

	it('refuses writes without a key (401), with a read key (403) or a revoked one (401), and saves nothing', async () => {
		const window = { title: 'Deploy', monitors: ['db-*'], window: { durationMinutes: 20 } };
		const incident = { title: 'Down', body: 'Looking.' };
		const made = await call('POST', '/api/v1/incidents', {}, { key: writeKey, body: incident });
		const win = await call('POST', '/api/v1/maintenance', {}, { key: writeKey, body: window });
		const id = made.json.id;
		const updateId = made.json.updates[0].id;
		const writes: [string, string, Record<string, string>, unknown][] = [
			['POST', '/api/v1/incidents', {}, incident],
			['PATCH', '/api/v1/incidents/[id]', { id }, { title: 'pwned' }],
			['DELETE', '/api/v1/incidents/[id]', { id }, undefined],
			['POST', '/api/v1/incidents/[id]/updates', { id }, { state: 'resolved', body: 'x' }],
			['PATCH', '/api/v1/incidents/[id]/updates/[updateId]', { id, updateId }, { body: 'pwned' }],
			['DELETE', '/api/v1/incidents/[id]/updates/[updateId]', { id, updateId }, undefined],
			['POST', '/api/v1/incidents/[id]/resolve', { id }, undefined],
			['POST', '/api/v1/maintenance', {}, window],
			['PUT', '/api/v1/maintenance/[id]', { id: win.json.id }, { ...window, title: 'pwned' }],
			['DELETE', '/api/v1/maintenance/[id]', { id: win.json.id }, undefined],
			['POST', '/api/v1/maintenance/[id]/end', { id: win.json.id }, undefined],
			['POST', '/api/v1/maintenance/[id]/cancel', { id: win.json.id }, { start: win.json.window.start }]
		];
		const before = JSON.stringify([
			(await call('GET', '/api/v1/incidents', {}, { key: readKey })).json,
			(await call('GET', '/api/v1/maintenance', {}, { key: readKey })).json
		]);
		for (const [method, route, params, body] of writes) {
			const anon = await call(method, route, params, { body });
			expect(anon.status, `${method} ${route} without a key`).toBe(401);
			expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer/);
			const ro = await call(method, route, params, { key: readKey, body });
			expect(ro.status, `${method} ${route} with a read key`).toBe(403);
			expect(ro.json.error).toMatch(/read-only/);
			const bogus = await call(method, route, params, { key: 'ph_not-a-key', body });
			expect(bogus.status, `${method} ${route} with an unknown key`).toBe(401);
		}
		// Reads need a key too: they name hidden monitors.
		for (const [route, params] of [
			['/api/v1/incidents', {}],
			['/api/v1/incidents/[id]', { id }],
			['/api/v1/maintenance', {}],
			['/api/v1/maintenance/[id]', { id: win.json.id }]
		] as const) {
			expect((await call('GET', route, params)).status, route).toBe(401);
			expect((await call('GET', route, params, { key: readKey })).status, route).toBe(200);
		}
		await revokeApiKey(t.db, readKeyId);
		expect((await call('GET', '/api/v1/incidents', {}, { key: readKey })).status).toBe(401);
		const after = JSON.stringify([
			(await call('GET', '/api/v1/incidents', {}, { key: writeKey })).json,
			(await call('GET', '/api/v1/maintenance', {}, { key: writeKey })).json
		]);
		expect(after).toBe(before);
		expect(await count('incidents')).toBe(1);
		expect(await count('maintenances')).toBe(1);
	});

	it("records the key's name or the admin's email as an update's author; a session write must come from this site", async () => {
		const made = await call(
			'POST',
			'/api/v1/incidents',
			{},
			{ key: writeKey, body: { title: 'Down', body: 'Looking.', monitors: ['secret'] } }
		);
		expect(made.status).toBe(201);
		expect(made.json.updates[0].author).toBe('deploy pipeline (API key)');
		// Hidden monitors are named to a key holder.
		expect(made.json.monitors).toEqual([{ tag: 'secret', name: 'Name of secret', impact: 'major' }]);
		const id = made.json.id;
		const cross = await call('POST', '/api/v1/incidents/[id]/updates', { id }, { session, body: { state: 'identified', body: 'x' } });
		expect(cross.status).toBe(403);
		const mine = await call(
			'POST',
			'/api/v1/incidents/[id]/updates',
			{ id },
			{ session, body: { state: 'identified', body: 'Found it.' }, headers: { origin: ORIGIN } }
		);
		expect(mine.status).toBe(201);
		expect(mine.json.updates[0]).toMatchObject({ author: 'ops@example.com', body: 'Found it.' });
		// Resolve takes no body at all.
		const resolved = await call('POST', '/api/v1/incidents/[id]/resolve', { id }, { key: writeKey });
		expect(resolved.status).toBe(200);
		expect(resolved.json.state).toBe('resolved');
		expect(resolved.json.updates[0]).toMatchObject({ body: 'This incident has been resolved.', author: 'deploy pipeline (API key)' });
	});

	it('answers 404 for odd ids and refuses bodies too large, too deep or not JSON, naming fields and saving nothing', async () => {
		for (const id of ['1e9', '-1', 'abc', '99999999999', '0', '1 OR 1=1']) {
			for (const route of ['/api/v1/incidents/[id]', '/api/v1/maintenance/[id]']) {
				const r = await call('GET', route, { id }, { key: readKey });
				expect(r.status, `${route} ${id}`).toBe(404);
				expect(r.json.error).toMatch(/^no such/);
			}
			expect((await call('POST', '/api/v1/maintenance/[id]/end', { id }, { key: writeKey })).status, id).toBe(404);
			expect((await call('DELETE', '/api/v1/incidents/[id]', { id }, { key: writeKey })).status, id).toBe(404);
		}
		const bad = await call(
			'POST',
			'/api/v1/maintenance',
			{},
			{
				key: writeKey,
				body: { title: '', monitors: ['nope'], window: { start: '2026-12-01T11:00:00Z', end: '2026-12-01T10:00:00Z' } }
			}
		);
		expect(bad.status).toBe(400);
		expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['monitors[0]', 'title', 'window.end']);
		const minutely = await call(
			'POST',
			'/api/v1/maintenance',
			{},
			{
				key: writeKey,
				body: {
					title: 'x',
					monitors: ['web'],
					window: { rrule: 'FREQ=MINUTELY', dtstart: '2026-12-01T10:00', durationMinutes: 1, timeZone: 'UTC' }
				}
			}
		);
		expect(minutely.json.errors).toEqual([{ path: 'window.rrule', message: expect.stringMatching(/1 minute apart/) }]);
		const huge = await call('POST', '/api/v1/incidents', {}, { key: writeKey, body: { title: 'x', body: 'a'.repeat(1024 * 1024) } });
		expect(huge.status).toBe(413);
		const big = await call('POST', '/api/v1/incidents', {}, { key: writeKey, body: { title: 'x', body: 'a'.repeat(100_000) } });
		expect([big.status, big.json.errors[0].path]).toEqual([400, 'body']);
		const deep = await call(
			'POST',
			'/api/v1/incidents',
			{},
			{ key: writeKey, raw: '{"title":' + '['.repeat(50) + ']'.repeat(50) + '}', type: 'application/json' }
		);
		expect([deep.status, deep.json.error]).toEqual([400, expect.stringMatching(/nested/)]);
		const form = await call(
			'POST',
			'/api/v1/maintenance',
			{},
			{ key: writeKey, raw: 'title=x', type: 'application/x-www-form-urlencoded' }
		);
		expect(form.status).toBe(415);
		expect(await count('incidents')).toBe(0);
		expect(await count('maintenances')).toBe(0);
		// A path only one method is exported for: 405, not a write.
		expect((await call('GET', '/api/v1/maintenance/[id]/end', { id: '1' }, { key: writeKey })).status).toBe(405);
	});
});
