// Issue 14, at least once across a crash, with real processes: `node
// build/worker.js` on PostgreSQL probes a real TCP service and sends to a real
// HTTP receiver that verifies each signature. A worker SIGKILLed while its
// message is in flight (the receiver holds the POST), or right after the
// confirming check committed (the receiver still refusing connections),
// leaves the message queued: the next worker sends it, with the same
// idempotency key and bytes, and the outbox row ends delivered.
// Order and counts, never milliseconds.
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { createScratchPostgres } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { recentChecks } from '../../src/lib/server/db/queries/checks';
import { attachChannel, createChannel, listDeliveries, listOutbox } from '../../src/lib/server/db/queries/alerts';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { closedPort, listen, type Listener } from '../fixtures/net';
import { killWorker, startWorker, waitFor, webhookReceiver, type Receiver } from '../fixtures/webhook';

const SECRET = 'crash-secret';

describe('alerts across a SIGKILLed worker (PostgreSQL)', () => {
	let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
	let database: Database;
	const workers: ChildProcess[] = [];
	const closers: (() => Promise<void>)[] = [];

	beforeEach(async () => {
		scratch = await createScratchPostgres();
		database = await openDatabase({ url: scratch.url, max: 2 });
	});
	afterEach(async () => {
		for (const w of workers.splice(0)) await killWorker(w, 'SIGKILL');
		for (const c of closers.splice(0)) await c();
		await database?.close();
		await scratch?.drop();
	});

	/** One monitor every 5 s on 127.0.0.1:port, alerting one webhook channel at hookPort. */
	async function monitorWithHook(port: number, hookPort: number) {
		const r = validateMonitorList([
			{
				tag: 'svc',
				name: 'Service',
				type: 'TCP',
				cron: '*/5 * * * * *',
				type_data: { hosts: [{ host: '127.0.0.1', port, timeout: 1000 }] }
			}
		]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(database.db, r.value);
		const id = (await database.db.query.monitors.findFirst())!.id;
		const channel = await createChannel(database.db, {
			name: 'hook',
			type: 'webhook',
			config: { url: `http://127.0.0.1:${hookPort}/hook`, secret: SECRET }
		});
		await attachChannel(database.db, id, channel);
		return id;
	}
	const worker = (name: string) => {
		const w = startWorker(scratch.url, name);
		workers.push(w);
		return w;
	};
	const track = <T extends Listener | Receiver>(x: T) => (closers.push(() => x.close()), x);

	it(
		'a message in flight when its worker is killed is sent again by the next worker, same key and bytes',
		{ timeout: 120_000 },
		async () => {
			const service = track(await listen('127.0.0.1'));
			// The first POST is held unanswered: the claim's transaction is open when the worker dies.
			const rx = track(await webhookReceiver(SECRET, 0, (n) => (n === 0 ? 'hold' : 200)));
			const id = await monitorWithHook(service.port, rx.port);
			const w1 = worker('w1');
			await waitFor(async () => (await recentChecks(database.db, id, 5)).some((c) => c.status === 'UP'), 60_000, 'an UP check');
			await service.close();
			await waitFor(() => rx.got.length >= 1, 60_000, 'the down message to arrive (held)');
			// State change committed, delivery not settled.
			const [queued] = await listOutbox(database.db);
			expect(queued).toMatchObject({ kind: 'down', deliveredAt: null, attempts: 0 });
			expect(rx.got[0]).toMatchObject({ key: queued.idempotencyKey, verified: true, answered: 0 });
			await killWorker(w1, 'SIGKILL');
			rx.release(200); // the answer to a dead connection

			worker('w2');
			const delivered = await waitFor(
				async () => (await listOutbox(database.db)).find((o) => o.deliveredAt !== null),
				60_000,
				'the row to be delivered after the restart'
			);
			expect(delivered.id).toBe(queued.id);
			// Sent twice, the same key and the very same signed bytes; the second accepted.
			expect(rx.got.map((g) => [g.key, g.verified, g.body.kind])).toEqual([
				[queued.idempotencyKey, true, 'down'],
				[queued.idempotencyKey, true, 'down']
			]);
			expect(rx.got[1].raw).toBe(rx.got[0].raw);
			expect(rx.got[1].answered).toBe(200);
			// The killed attempt left no trace (its transaction rolled back): one attempt, logged once.
			expect(delivered.attempts).toBe(1);
			expect((await listDeliveries(database.db)).map((d) => [d.outboxId, d.statusCode])).toEqual([[queued.id, 200]]);
			expect(await listOutbox(database.db)).toHaveLength(1);
		}
	);

	it('a worker killed right after the confirming check commits: the next worker delivers it', { timeout: 120_000 }, async () => {
		// The service is down from the start; the receiver refuses connections until after the kill.
		const hookPort = await closedPort();
		const id = await monitorWithHook(await closedPort(), hookPort);
		const w1 = worker('w1');
		const queued = await waitFor(async () => (await listOutbox(database.db))[0], 60_000, 'the down message to be queued');
		await killWorker(w1, 'SIGKILL');
		const checksAtKill = await recentChecks(database.db, id, 50);
		expect(checksAtKill.length).toBeGreaterThanOrEqual(2);
		expect(checksAtKill.every((c) => c.status === 'DOWN')).toBe(true);
		const before = (await listOutbox(database.db))[0];
		expect(before).toMatchObject({ id: queued.id, kind: 'down', deliveredAt: null, gaveUpAt: null });

		const rx = track(await webhookReceiver(SECRET, hookPort));
		worker('w2');
		await waitFor(async () => (await listOutbox(database.db))[0].deliveredAt !== null, 60_000, 'the row to be delivered');
		expect(rx.got.map((g) => [g.key, g.verified, g.answered, g.body.kind])).toEqual([[queued.idempotencyKey, true, 200, 'down']]);
		expect(rx.got[0].body.id).toBe(queued.idempotencyKey);
		// Every attempt before the receiver listened was refused; then one 200.
		const log = (await listDeliveries(database.db)).map((d) => d.statusCode ?? d.error);
		expect(log.at(-1)).toBe(200);
		expect(log.slice(0, -1)).toEqual(log.slice(0, -1).map(() => expect.stringMatching(/ECONNREFUSED/)));
		expect(await listOutbox(database.db)).toHaveLength(1);
	});
});
