// /api/v1 channels and deliveries as a machine reaches them: each request
// goes through the real admin guard (hooks/admin-guard.ts, judging the
// access policy on the route id) into the real route file, on a real
// database with real API keys, and a test message is delivered by the real
// sender to a real HTTP receiver on 127.0.0.1. Only SvelteKit's router is
// stood in for: the route id and params a request matched.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../../src/lib/server/db/testing';
import { adminGuard } from '../../src/lib/server/hooks/admin-guard';
import { createApiKey } from '../../src/lib/server/auth/keys';
import { syncFileChannels } from '../../src/lib/server/db/queries/alert-channels';
import { listChannelRows } from '../../src/lib/server/db/queries/alert-channels';
import { Sender } from '../../src/lib/server/alerts/sender';
import { createLogger } from '../../src/lib/server/log';

type Handler = (event: RequestEvent) => Response | Promise<Response>;
const ROUTE_FILES: Record<string, () => Promise<object>> = {
	'/api/v1/channels': () => import('../../src/routes/api/v1/channels/+server'),
	'/api/v1/channels/[id]': () => import('../../src/routes/api/v1/channels/[id]/+server'),
	'/api/v1/channels/[id]/test': () => import('../../src/routes/api/v1/channels/[id]/test/+server'),
	'/api/v1/deliveries': () => import('../../src/routes/api/v1/deliveries/+server')
};
const ORIGIN = 'http://127.0.0.1:3421';
const SECRET = 'receiver-secret-0123456789';

describe.each(DRIVERS)('the channels API behind the guard on %s', (driver) => {
	let t: TestDatabase;
	let app: App.Locals['app'];
	let writeKey: string;
	let readKey: string;
	let receiver: Server;
	let hookUrl: string;
	const received: { headers: Record<string, unknown>; body: string }[] = [];

	async function call(
		method: string,
		routeId: string,
		params: Record<string, string> = {},
		c: { key?: string; body?: unknown; query?: string } = {}
	) {
		const path = routeId.replace(/\[(\w+)\]/g, (_, k: string) => encodeURIComponent(params[k]));
		const url = new URL(ORIGIN + path + (c.query ?? ''));
		const headers = new Headers();
		if (c.key) headers.set('authorization', `Bearer ${c.key}`);
		let body: string | undefined;
		if (c.body !== undefined) {
			body = JSON.stringify(c.body);
			headers.set('content-type', 'application/json');
		}
		const request = new Request(url, { method, headers, body });
		const mod = (await ROUTE_FILES[routeId]()) as Record<string, Handler | undefined>;
		const event = {
			request,
			url,
			params,
			route: { id: routeId },
			locals: { app } as App.Locals,
			cookies: { get: () => undefined, set() {}, delete() {} },
			isRemoteRequest: false,
			isDataRequest: false,
			getClientAddress: () => '127.0.0.1'
		} as unknown as RequestEvent;
		const res = await adminGuard({ event, resolve: async (e) => mod[method]?.(e) ?? new Response(null, { status: 405 }) });
		const text = await res.text();
		return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
	}

	beforeAll(async () => {
		t = await openTestDatabase(driver);
		receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (d) => (body += d));
			req.on('end', () => {
				received.push({ headers: req.headers, body });
				res.writeHead(200).end('ok');
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		const addr = receiver.address() as { port: number };
		hookUrl = `http://127.0.0.1:${addr.port}/hooks/porthole-token`;
	});
	afterAll(async () => {
		await new Promise((r) => receiver?.close(r));
		await t?.destroy();
	});
	beforeEach(async () => {
		await truncateAll(t);
		received.length = 0;
		app = { database: t, scheduler: null, config: { monitorsFile: undefined } } as unknown as App.Locals['app'];
		writeKey = (await createApiKey(t.db, { name: 'ci', scope: 'write', createdBy: null })).key;
		readKey = (await createApiKey(t.db, { name: 'grafana', scope: 'read', createdBy: null })).key;
	});

	it('creates a webhook with a write key, shows it masked to a read key, tests it and logs the delivery', async () => {
		const created = await call(
			'POST',
			'/api/v1/channels',
			{},
			{ key: writeKey, body: { name: 'ops-hook', type: 'webhook', url: hookUrl, secret: SECRET } }
		);
		expect(created.status).toBe(201);
		const id = String(created.json.id);
		expect(created.headers.get('location')).toBe(`/api/v1/channels/${id}`);
		expect(created.json).toMatchObject({
			name: 'ops-hook',
			type: 'webhook',
			secret: '…6789',
			scope: 'monitors',
			stormThreshold: 5,
			source: 'admin'
		});
		expect(created.text).not.toContain(SECRET);
		expect(created.text).not.toContain('porthole-token');

		const list = await call('GET', '/api/v1/channels', {}, { key: readKey });
		expect(list.status).toBe(200);
		expect(list.json.channels.map((c: { name: string }) => c.name)).toEqual(['ops-hook']);
		expect(list.text).not.toContain(SECRET);
		const one = await call('GET', '/api/v1/channels/[id]', { id }, { key: readKey });
		expect(one.json.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…oken$/);

		// PATCH sends the masks back with one change: the secret and URL stay.
		const patched = await call('PATCH', '/api/v1/channels/[id]', { id }, { key: writeKey, body: { ...one.json, stormThreshold: 20 } });
		expect(patched.status).toBe(200);
		expect(patched.json.stormThreshold).toBe(20);
		expect((await listChannelRows(t.db))[0].config).toEqual({ url: hookUrl, secret: SECRET });

		const tested = await call('POST', '/api/v1/channels/[id]/test', { id }, { key: writeKey });
		expect(tested.status).toBe(202);
		const before = await call('GET', '/api/v1/deliveries', {}, { key: readKey });
		expect(before.json).toMatchObject({
			deliveries: [],
			pending: [{ kind: 'test', attempts: 0, channel: { name: 'ops-hook' }, monitor: null }],
			next: null
		});

		const sender = new Sender({ db: t.db, log: createLogger('error') });
		expect(await sender.tick()).toBe(1);
		expect(received).toHaveLength(1);
		expect(received[0].headers['idempotency-key']).toBe(tested.json.idempotencyKey);
		const after = await call('GET', '/api/v1/deliveries', {}, { key: readKey });
		expect(after.json.pending).toEqual([]);
		expect(after.json.deliveries).toMatchObject([{ kind: 'test', status: 200, error: null, channel: { name: 'ops-hook' }, monitor: null }]);
	});

	it('refuses without a key, writes with a read key, file channels, and bad bodies, changing nothing', async () => {
		await syncFileChannels(t.db, [
			{ name: 'from-file', type: 'slack', config: { url: 'https://hooks.slack.com/x' }, scope: { kind: 'all' }, stormThreshold: 5 }
		]);
		const [fileRow] = await listChannelRows(t.db);
		expect((await call('GET', '/api/v1/channels')).status).toBe(401);
		expect((await call('GET', '/api/v1/deliveries')).status).toBe(401);
		const body = { name: 'x', type: 'slack', url: 'https://hooks.slack.com/y' };
		expect((await call('POST', '/api/v1/channels', {}, { key: readKey, body })).status).toBe(403);
		expect((await call('POST', '/api/v1/channels/[id]/test', { id: String(fileRow.id) }, { key: readKey })).status).toBe(403);
		const bad = await call('POST', '/api/v1/channels', {}, { key: writeKey, body: { ...body, url: 'ftp://x', extra: 1 } });
		expect(bad.status).toBe(400);
		expect(bad.json.errors).toEqual([
			{ path: 'url', message: 'must be an https URL (http only for localhost), got "ftp://x"' },
			{ path: 'extra', message: 'unknown field' }
		]);
		const edit = await call('PATCH', '/api/v1/channels/[id]', { id: String(fileRow.id) }, { key: writeKey, body: { stormThreshold: 9 } });
		expect(edit.status).toBe(409);
		expect(edit.json.error).toContain('comes from CHANNELS_FILE');
		expect((await call('DELETE', '/api/v1/channels/[id]', { id: String(fileRow.id) }, { key: writeKey })).status).toBe(409);
		expect((await call('DELETE', '/api/v1/channels/[id]', { id: 'nope' }, { key: writeKey })).status).toBe(404);
		expect((await call('GET', '/api/v1/deliveries', {}, { key: readKey, query: '?limit=0' })).json.errors[0].path).toBe('limit');
		expect((await listChannelRows(t.db)).map((r) => [r.name, r.stormThreshold])).toEqual([['from-file', 5]]);
		// The file's channel can still be tested.
		expect((await call('POST', '/api/v1/channels/[id]/test', { id: String(fileRow.id) }, { key: writeKey })).status).toBe(202);
	});

	it('pages the delivery log with next', async () => {
		const c = await call(
			'POST',
			'/api/v1/channels',
			{},
			{ key: writeKey, body: { name: 'h', type: 'webhook', url: hookUrl, secret: SECRET } }
		);
		const sender = new Sender({ db: t.db, log: createLogger('error') });
		for (let i = 0; i < 3; i++) {
			await call('POST', '/api/v1/channels/[id]/test', { id: String(c.json.id) }, { key: writeKey });
			await sender.tick();
			await new Promise((r) => setTimeout(r, 2)); // a new millisecond: a new test message
		}
		const p1 = await call('GET', '/api/v1/deliveries', {}, { key: readKey, query: '?limit=2' });
		expect(p1.json.deliveries).toHaveLength(2);
		expect(p1.json.next).toBe(String(p1.json.deliveries[1].id));
		const p2 = await call('GET', '/api/v1/deliveries', {}, { key: readKey, query: `?limit=2&before=${p1.json.next}` });
		expect(p2.json.deliveries).toHaveLength(1);
		expect(p2.json.next).toBeNull();
		expect(p2.json.deliveries[0].id).toBeLessThan(p1.json.deliveries[1].id);
	});
});
