// Issue 14, a receiver away for two minutes, with a real worker process
// (`node build/worker.js`, default retry settings: 1 s doubling) on
// PostgreSQL. While the receiver's port refuses connections, three monitors
// go down and recover, one of them down again: seven messages queue. Once it
// listens again every message arrives, in order per monitor, each once (the
// refused attempts never reached it; 503 repeats are in the short versions).
// Takes three to four minutes by nature (the real backoff
// after two minutes away): PORTHOLE_SKIP_SLOT_WAITS leaves it out (vite.config.ts);
// alerts/sender.test.ts and alerts-webhook.test.ts have short versions.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { createScratchPostgres } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { recentChecks } from '../../src/lib/server/db/queries/checks';
import { attachChannel, createChannel, listDeliveries, listOutbox } from '../../src/lib/server/db/queries/alerts';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { closedPort, listen, type Listener } from '../fixtures/net';
import { killWorker, startWorker, waitFor, webhookReceiver, type Receiver } from '../fixtures/webhook';

const SECRET = 'away-secret';
const AWAY_MS = 120_000;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a receiver away for two minutes (real worker, PostgreSQL)', () => {
	let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
	let database: Database;
	let services: Listener[] = [];
	let rx: Receiver | undefined;
	let worker: ChildProcess | undefined;

	beforeAll(async () => {
		scratch = await createScratchPostgres();
		database = await openDatabase({ url: scratch.url, max: 2 });
		services = await Promise.all([0, 1, 2].map(() => listen('127.0.0.1')));
	});
	afterAll(async () => {
		if (worker) await killWorker(worker, 'SIGKILL');
		await rx?.close();
		await Promise.all(services.map((s) => s.close()));
		await database?.close();
		await scratch?.drop();
	});

	it('delivers every message after it returns, in order per monitor, repeats with the same key', { timeout: 420_000 }, async () => {
		const hookPort = await closedPort();
		const r = validateMonitorList(
			services.map((s, i) => ({
				tag: `a${i}`,
				name: `Away ${i}`,
				type: 'TCP',
				cron: '*/5 * * * * *',
				type_data: { hosts: [{ host: '127.0.0.1', port: s.port, timeout: 1000 }] }
			}))
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(database.db, r.value);
		const ids = new Map((await database.db.query.monitors.findMany()).map((m) => [m.tag, m.id]));
		const channel = await createChannel(database.db, {
			name: 'away',
			type: 'webhook',
			config: { url: `http://127.0.0.1:${hookPort}/`, secret: SECRET },
			stormThreshold: 1000 // one message per confirmation, whatever the storm rule does
		});
		for (const id of ids.values()) await attachChannel(database.db, id, channel);
		worker = startWorker(scratch.url, 'away');
		const upAll = async () => {
			for (const id of ids.values()) if (!(await recentChecks(database.db, id, 1)).some((c) => c.status === 'UP')) return false;
			return true;
		};
		await waitFor(upAll, 60_000, 'an UP check of every monitor');

		const awaySince = Date.now();
		const ports = services.map((s) => s.port);
		const rows = async () => (await listOutbox(database.db)).filter((o) => o.channelId === channel);
		await Promise.all(services.map((s) => s.close()));
		await waitFor(async () => (await rows()).length >= 3, 60_000, 'three down messages queued');
		services = await Promise.all(ports.map((p) => listen('127.0.0.1', p)));
		await waitFor(async () => (await rows()).length >= 6, 60_000, 'three recovered messages queued');
		await services[0].close();
		await waitFor(async () => (await rows()).length >= 7, 60_000, "a0's second down queued");
		await wait(Math.max(0, awaySince + AWAY_MS - Date.now()));

		// Two minutes of refused connections: nothing delivered, attempts logged.
		const queued = await rows();
		expect(queued.map((o) => o.deliveredAt)).toEqual(queued.map(() => null));
		const refused = await listDeliveries(database.db);
		expect(refused.length).toBeGreaterThanOrEqual(5);
		expect(refused.every((d) => d.statusCode === null && /ECONNREFUSED/.test(d.error ?? ''))).toBe(true);

		rx = await webhookReceiver(SECRET, hookPort);
		await waitFor(async () => (await rows()).every((o) => o.deliveredAt !== null), 240_000, 'every message delivered');
		await wait(1000);

		const outbox = await rows();
		expect(outbox.map((o) => o.kind)).toEqual(queued.map((o) => o.kind));
		expect(outbox.filter((o) => o.monitorId === ids.get('a0')).map((o) => o.kind)).toEqual(['down', 'recovered', 'down']);
		for (const tag of ['a1', 'a2'])
			expect(outbox.filter((o) => o.monitorId === ids.get(tag)).map((o) => o.kind)).toEqual(['down', 'recovered']);
		// Each accepted exactly once, all signatures good.
		const ok = rx.accepted();
		expect(ok.map((g) => g.key).sort()).toEqual(outbox.map((o) => o.idempotencyKey).sort());
		expect(rx.got.every((g) => g.verified && g.key === g.body.id)).toBe(true);
		// In queue order per monitor.
		for (const [tag, id] of ids) {
			expect(ok.filter((g) => g.body.monitor.tag === tag).map((g) => g.key)).toEqual(
				outbox.filter((o) => o.monitorId === id).map((o) => o.idempotencyKey)
			);
		}
		// Every request verified; a key that came twice came with the same bytes (none should: all answered 200).
		for (const g of rx.got) expect(g.raw).toBe(ok.find((a) => a.key === g.key)?.raw);
		expect(rx.got).toHaveLength(outbox.length);
	});
});
