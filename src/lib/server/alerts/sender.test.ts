import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { createChannel, enqueueAlerts, listDeliveries, listOutbox } from '../db/queries/alerts';
import { upsertMonitors } from '../db/queries/monitors';
import { validateMonitor } from '../monitors/validate';
import { silentLogger } from '../log';
import { backoffMs, Sender } from './sender';
import { signature, webhookBody } from './channels/webhook';

describe('webhook format', () => {
	it('signs with hex HMAC-SHA256, prefixed sha256=', () => {
		// The RFC-style test vector for HMAC-SHA256.
		expect(signature('key', 'The quick brown fox jumps over the lazy dog')).toBe(
			'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
		);
	});

	it('writes the body in a fixed key order, durationSeconds only when known', () => {
		const payload = {
			since: '2026-01-01T00:00:00.000Z',
			at: '2026-01-01T00:01:00.000Z',
			status: 'DOWN',
			monitor: { tag: 'db', name: 'Database' },
			kind: 'down'
		};
		expect(webhookBody({ idempotencyKey: 'k1', payload })).toBe(
			'{"version":1,"id":"k1","kind":"down","monitor":{"tag":"db","name":"Database"},"status":"DOWN","at":"2026-01-01T00:01:00.000Z","since":"2026-01-01T00:00:00.000Z"}'
		);
		const body = JSON.parse(webhookBody({ idempotencyKey: 'k2', payload: { ...payload, kind: 'recovered', durationSeconds: 60 } }));
		expect(Object.keys(body)).toEqual(['version', 'id', 'kind', 'monitor', 'status', 'at', 'since', 'durationSeconds']);
	});

	it('backs off from the base, doubling, up to the cap', () => {
		expect([1, 2, 3, 4, 5, 20, 1000].map((n) => backoffMs(n, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
	});
});

describe.each(DRIVERS)('the sender on %s', (driver) => {
	let t: TestDatabase;
	let monitorId: number;
	let server: ReturnType<typeof createServer>;
	let port: number;
	let handle: (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
		server = createServer((req, res) => {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', () => handle(req, res, JSON.parse(raw)));
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		port = (server.address() as AddressInfo).port;
	});
	afterAll(async () => {
		server?.closeAllConnections();
		await new Promise((r) => server?.close(r));
		await t?.destroy();
	});
	beforeEach(async () => {
		await truncateAll(t);
		const v = validateMonitor({ tag: 'db', name: 'Database', type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1' }] } });
		if (!v.ok) throw new Error('bad fixture');
		await upsertMonitors(t.db, [v.value]);
		monitorId = (await t.db.query.monitors.findFirst())!.id;
	});

	const queue = async (url: string, kinds: ('down' | 'recovered')[]) => {
		const channelId = await createChannel(t.db, { name: 'hook', type: 'webhook', config: { url, secret: 's' } });
		const payload = (kind: string) => ({ kind, monitor: { tag: 'db', name: 'Database' }, status: 'DOWN', at: 'a', since: 's' });
		await enqueueAlerts(
			t.db,
			kinds.map((kind, i) => ({ channelId, monitorId, kind, idempotencyKey: `k${i}`, payload: payload(kind) }))
		);
	};
	const runUntil = async (sender: Sender, done: () => Promise<boolean>) => {
		sender.start();
		const end = Date.now() + 10_000;
		try {
			while (!(await done())) {
				if (Date.now() > end) throw new Error('timed out');
				await new Promise((r) => setTimeout(r, 50));
			}
		} finally {
			await sender.stop();
		}
	};

	it('gives up on a message past its age, and the next one of the monitor goes out', async () => {
		handle = (_req, res, body) => res.writeHead(body.kind === 'down' ? 500 : 204).end();
		await queue(`http://127.0.0.1:${port}/`, ['down', 'recovered']);
		const sender = new Sender({ db: t.db, log: silentLogger, pollMs: 20, retryBaseMs: 20, retryCapMs: 50, giveUpMs: 300 });
		await runUntil(sender, async () => (await listOutbox(t.db))[1].deliveredAt !== null);
		const [first, second] = await listOutbox(t.db);
		expect(first).toMatchObject({ deliveredAt: null, lastError: 'HTTP 500' });
		expect(first.gaveUpAt).not.toBeNull();
		expect(first.attempts).toBeGreaterThanOrEqual(2);
		expect(second).toMatchObject({ attempts: 1, lastError: null, gaveUpAt: null });
		const log = await listDeliveries(t.db);
		expect(log.filter((d) => d.outboxId === first.id).every((d) => d.statusCode === 500)).toBe(true);
		expect(log.filter((d) => d.outboxId === second.id).map((d) => d.statusCode)).toEqual([204]);
	});

	it('logs a URL that is not http(s) and a receiver that never answers, without stopping', async () => {
		handle = () => {}; // never answers
		await queue('ftp://127.0.0.1/hook', ['down']);
		const slowChannel = await createChannel(t.db, {
			name: 'slow',
			type: 'webhook',
			config: { url: `http://127.0.0.1:${port}/`, secret: 's' }
		});
		await enqueueAlerts(t.db, [{ channelId: slowChannel, monitorId, kind: 'down', idempotencyKey: 'slow', payload: { kind: 'down' } }]);
		const sender = new Sender({ db: t.db, log: silentLogger, pollMs: 20, retryBaseMs: 60_000, timeoutMs: 300 });
		await runUntil(sender, async () => (await listDeliveries(t.db)).length >= 2);
		const errors = (await listDeliveries(t.db)).map((d) => [d.statusCode, d.error]);
		expect(errors).toEqual(
			expect.arrayContaining([
				[null, 'the webhook URL is not http(s)'],
				[null, 'timed out after 300 ms']
			])
		);
		expect((await listOutbox(t.db)).every((o) => o.deliveredAt === null && o.gaveUpAt === null && o.attempts === 1)).toBe(true);
	});
});
