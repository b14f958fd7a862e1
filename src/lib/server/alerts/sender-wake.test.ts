// When the sender looks at the outbox: on a wake() (the probe loop calls it
// once a check that queued messages has committed), when a retry falls due,
// and on the slow safety poll, never on a fast fixed timer. Each test sets the
// safety poll far beyond its own timeout, so a delivery proves the wake-up
// that caused it. Real PostgreSQL, a real receiver, the real probe loop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { attachChannel, createChannel, enqueueAlerts, listDeliveries, listOutbox } from '../db/queries/alerts';
import { upsertMonitors } from '../db/queries/monitors';
import { validateMonitorList } from '../monitors/validate';
import { silentLogger } from '../log';
import { ProbeWorker } from '../probe/pool';
import { EvalSandbox } from '../eval/sandbox';
import { Scheduler } from '../probe/scheduler';
import { closedPort } from '../../../../tests/fixtures/net';
import { Sender } from './sender';

const NEVER = 3_600_000;

async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('sender wake-ups (PostgreSQL)', () => {
	let t: TestDatabase;
	let server: Server;
	let port: number;
	let answers: number[] = [];
	const got: string[] = [];
	beforeAll(async () => {
		t = await openTestDatabase('postgres');
		server = createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				got.push(String(req.headers['idempotency-key']));
				res.writeHead(answers.shift() ?? 200).end();
			});
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
		got.length = 0;
		answers = [];
	});

	async function monitorWithChannel(hostPort: number) {
		const r = validateMonitorList([
			{
				tag: 'svc',
				name: 'Service',
				type: 'TCP',
				cron: '*/5 * * * * *',
				type_data: { hosts: [{ host: '127.0.0.1', port: hostPort, timeout: 500 }] }
			}
		]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(t.db, r.value);
		const id = (await t.db.query.monitors.findFirst())!.id;
		const channelId = await createChannel(t.db, {
			name: 'hook',
			type: 'webhook',
			config: { url: `http://127.0.0.1:${port}/`, secret: 's' }
		});
		await attachChannel(t.db, id, channelId);
		return { id, channelId };
	}

	it('an idle sender claims once at start, then waits for the safety poll', async () => {
		const sender = new Sender({ db: t.db, log: silentLogger, pollMs: NEVER });
		sender.start();
		await waitFor(() => sender.stats.claims === 1, 5000, 'the first claim');
		await new Promise((r) => setTimeout(r, 1500));
		await sender.stop();
		expect(sender.stats.claims).toBe(1);
	});

	it('wake() sends a message queued after start at once, and a failed send is retried when due', async () => {
		const { id, channelId } = await monitorWithChannel(1);
		const sender = new Sender({ db: t.db, log: silentLogger, pollMs: NEVER, retryBaseMs: 300 });
		sender.start();
		try {
			await waitFor(() => sender.stats.claims === 1, 5000, 'the first claim');
			answers = [500];
			await enqueueAlerts(t.db, [{ channelId, monitorId: id, kind: 'down', idempotencyKey: 'k1', payload: { kind: 'down' } }]);
			sender.wake();
			// The 500 is retried by the timer set to the row's next attempt; nothing else wakes the sender.
			await waitFor(async () => (await listOutbox(t.db))[0].deliveredAt !== null, 15_000, 'delivery after the retry');
		} finally {
			await sender.stop();
		}
		expect(got).toEqual(['k1', 'k1']);
		expect((await listDeliveries(t.db)).map((d) => d.statusCode)).toEqual([500, 200]);
	});

	it('the probe loop wakes the sender after committing the check that queued a message', { timeout: 60_000 }, async () => {
		const { id } = await monitorWithChannel(await closedPort());
		const probeWorker = new ProbeWorker({ maxSockets: 8 });
		const sandbox = new EvalSandbox();
		probeWorker.start();
		const sender = new Sender({ db: t.db, log: silentLogger, pollMs: NEVER });
		const seenAtWake: number[] = [];
		const scheduler = new Scheduler({
			db: t.db,
			probe: (hosts) => probeWorker.probe(hosts),
			evaluate: sandbox.evaluate,
			timeZone: 'UTC',
			log: silentLogger,
			spreadMs: () => 0,
			// Rows visible from another connection at the call: the transaction has committed.
			onAlertsQueued: () =>
				void listOutbox(t.db).then((rows) => {
					seenAtWake.push(rows.length);
					sender.wake();
				})
		});
		sender.start();
		await scheduler.start();
		try {
			await waitFor(() => got.length >= 1, 40_000, 'the down message');
			// A few more failing checks: no more messages, no more wake-ups.
			const n = scheduler.stats.written;
			await waitFor(() => scheduler.stats.written >= n + 1, 20_000, 'another check');
		} finally {
			await scheduler.stop();
			await sender.stop();
			await probeWorker.stop();
			await sandbox.stop();
		}
		const outbox = await listOutbox(t.db);
		expect(outbox.map((o) => [o.monitorId, o.kind, o.deliveredAt !== null])).toEqual([[id, 'down', true]]);
		expect(got).toEqual([outbox[0].idempotencyKey]);
		expect(seenAtWake).toEqual([1]);
	});
});
