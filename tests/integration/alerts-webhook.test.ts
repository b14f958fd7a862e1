// Issue 14, the core: webhook alerts with real parts. A real node:http
// receiver on 127.0.0.1 verifies every signature. (1) The running app probes a
// real TCP listener; closed for one check → nothing; it closes → exactly one 'down' once two checks failed;
// it reopens → one 'recovered' once two checks passed. (2) The receiver is
// away (a closed port, then answering 503) while messages queue: they all
// arrive once it is back, in order per monitor, each retry with the same
// idempotency key and body. (3) Two senders with their own connection pools
// on one database: each message is delivered exactly once.
// Expectations are derived from the checks the loop actually stored and the
// requests the receiver actually got: order and counts, not milliseconds.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config';
import { startApp, stopApp, type App } from '../../src/lib/server/app';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { createScratchDatabase, DRIVERS } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { checksBetween, recordCheck } from '../../src/lib/server/db/queries/checks';
import { attachChannel, createChannel, listDeliveries, listOutbox } from '../../src/lib/server/db/queries/alerts';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { alertOnCheck } from '../../src/lib/server/alerts/record';
import { Sender } from '../../src/lib/server/alerts/sender';
import { silentLogger } from '../../src/lib/server/log';
import type { MonitorStatus } from '../../src/lib/server/types';
import { closedPort, listen, type Listener } from '../fixtures/net';

const SECRET = 'hook-secret-\u00e9';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await wait(50);
	}
}

interface Received {
	body: Record<string, unknown> & { id: string; kind: string; monitor: { tag: string } };
	raw: string;
	key: string | undefined;
	verified: boolean;
	answered: number;
}

/** A webhook receiver: checks the signature over the exact bytes, answers what `answer` says (default 200). */
async function receiver(port = 0, answer: (n: number) => number = () => 200) {
	const got: Received[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const bytes = Buffer.concat(chunks);
			const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(bytes).digest('hex')}`);
			const given = Buffer.from(String(req.headers['x-porthole-signature'] ?? ''));
			const verified = given.length === expected.length && timingSafeEqual(given, expected);
			const status = answer(got.length);
			const raw = bytes.toString('utf8');
			got.push({ body: JSON.parse(raw), raw, key: req.headers['idempotency-key'] as string, verified, answered: status });
			res.writeHead(status).end();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve());
	});
	return {
		port: (server.address() as AddressInfo).port,
		got,
		/** Requests answered 2xx. */
		accepted: () => got.filter((g) => g.answered < 300),
		close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())))
	};
}

async function addMonitors(db: Database['db'], tags: string[], port = 1) {
	const r = validateMonitorList(
		tags.map((tag) => ({ tag, name: `Monitor ${tag}`, type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port }] } }))
	);
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	await upsertMonitors(db, r.value);
	const rows = await db.query.monitors.findMany();
	return new Map(rows.filter((m) => tags.includes(m.tag)).map((m) => [m.tag, m.id]));
}

const hook = alertOnCheck();
const T0 = Date.UTC(2026, 5, 1);
/** Records a check through the real write path (the alert step in its transaction) at slot i, one minute apart. */
const check = (db: Database['db'], monitorId: number, i: number, status: MonitorStatus) =>
	recordCheck(db, { monitorId, ts: new Date(T0 + i * 60_000), status, latency: 1, pings: [], error: null }, 'UTC', hook);

describe.each(DRIVERS)('webhook alerts on %s', (driver) => {
	describe('a monitor whose listener closes and reopens (the running app)', () => {
		const EVERY = 5000;
		let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
		let app: App;
		let listener: Listener;
		let hookServer: Awaited<ReturnType<typeof receiver>>;
		const written: { slot: number; finishedAt: number }[] = [];

		beforeAll(async () => {
			scratch = await createScratchDatabase(driver);
			listener = await listen('127.0.0.1');
			hookServer = await receiver();
			const config = loadConfig({ DATABASE_URL: scratch.url, PROBE_WORKER: 'on', LOG_LEVEL: 'error', SITE_TIMEZONE: 'UTC' });
			app = await startApp(config, {
				scheduler: {
					spreadMs: () => 0,
					refreshMs: 200,
					onCheck: (e) => e.written && written.push({ slot: e.slot.getTime(), finishedAt: e.finishedAt })
				},
				sender: { pollMs: 100 }
			});
			const { db } = app.database;
			const r = validateMonitorList([
				{
					tag: 'db',
					name: 'Database',
					type: 'TCP',
					cron: '*/5 * * * * *',
					type_data: { hosts: [{ host: '127.0.0.1', port: listener.port, timeout: 2000 }] }
				}
			]);
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			await upsertMonitors(db, r.value);
			const id = (await db.query.monitors.findFirst())!.id;
			const channel = await createChannel(db, {
				name: 'ops-hook',
				type: 'webhook',
				config: { url: `http://127.0.0.1:${hookServer.port}/hook`, secret: SECRET }
			});
			await attachChannel(db, id, channel);
			await app.scheduler!.refresh();
		}, 30_000);
		afterAll(async () => {
			await stopApp();
			await listener?.close();
			await hookServer?.close();
			await scratch?.drop();
		});

		it(
			'one lost check alerts nobody; then one down after two failed checks and one recovered after two good ones',
			{ timeout: 200_000 },
			async () => {
				await waitFor(() => written.length >= 2, 20_000, 'two UP checks');
				// One lost check: closed right after a write, so the next slot fails;
				// reopened right after that failure is written, so the one after passes.
				const w0 = written.length;
				await waitFor(() => written.length > w0, 20_000, 'a check');
				await listener.close();
				const w1 = written.length;
				await waitFor(() => written.length > w1, 20_000, 'the failing check');
				listener = await listen('127.0.0.1', listener.port);
				const w2 = written.length;
				await waitFor(() => written.length >= w2 + 2, 20_000, 'two checks after the lost one');
				const monitorId = (await app.database.db.query.monitors.findFirst())!.id;
				const blip = (await checksBetween(app.database.db, monitorId, new Date(0), new Date(Date.now() + EVERY))).map((r) => r.status);
				expect(blip.filter((x) => x === 'DOWN')).toHaveLength(1);
				expect(blip.at(-1)).toBe('UP');
				await wait(500);
				expect(hookServer.got).toEqual([]);
				expect(await listOutbox(app.database.db)).toEqual([]);

				await listener.close();
				const closedAt = Date.now();
				await waitFor(() => hookServer.got.find((g) => g.body.kind === 'down'), 30_000, 'the down message');
				// Two more failing checks after the alert: no second 'down'.
				const n = written.length;
				await waitFor(() => written.length >= n + 2, 20_000, 'two more checks');
				listener = await listen('127.0.0.1', listener.port);
				const reopenedAt = Date.now();
				await waitFor(() => hookServer.got.find((g) => g.body.kind === 'recovered'), 30_000, 'the recovered message');
				const m = written.length;
				await waitFor(() => written.length >= m + 2, 20_000, 'two more checks');
				await app.scheduler!.stop();
				await wait(500); // a message queued by the last checks would be sent by now (poll 100 ms)

				const rows = await checksBetween(app.database.db, monitorId, new Date(0), new Date(Date.now() + EVERY));
				const statuses = rows.map((r) => r.status);
				// The loop saw UP, then a run of DOWN, then UP again.
				// The outage: the first DOWN after the lost check's slots.
				const firstDown = statuses.indexOf('DOWN', blip.length);
				const firstUpAfter = statuses.indexOf('UP', firstDown);
				expect(firstDown).toBeGreaterThan(0);
				expect(firstUpAfter).toBeGreaterThan(firstDown + 3);
				expect(statuses.slice(firstDown, firstUpAfter).every((s) => s === 'DOWN')).toBe(true);
				expect(statuses.slice(firstUpAfter).every((s) => s === 'UP')).toBe(true);
				expect(rows[firstDown].ts.getTime()).toBeGreaterThanOrEqual(closedAt - EVERY);
				expect(rows[firstUpAfter].ts.getTime()).toBeGreaterThanOrEqual(reopenedAt - EVERY);

				// Exactly two messages, verified, in order: down at the second DOWN slot, recovered at the second UP one.
				expect(hookServer.got.map((g) => [g.body.kind, g.verified, g.answered])).toEqual([
					['down', true, 200],
					['recovered', true, 200]
				]);
				const [down, recovered] = hookServer.got.map((g) => g.body);
				expect(down).toEqual({
					version: 1,
					id: hookServer.got[0].key,
					kind: 'down',
					monitor: { tag: 'db', name: 'Database' },
					status: 'DOWN',
					at: rows[firstDown + 1].ts.toISOString(),
					since: rows[firstDown].ts.toISOString()
				});
				expect(recovered).toEqual({
					version: 1,
					id: hookServer.got[1].key,
					kind: 'recovered',
					monitor: { tag: 'db', name: 'Database' },
					status: 'UP',
					at: rows[firstUpAfter + 1].ts.toISOString(),
					since: rows[firstUpAfter].ts.toISOString(),
					durationSeconds: (rows[firstUpAfter].ts.getTime() - rows[firstDown].ts.getTime()) / 1000
				});
				expect(hookServer.got[0].key).not.toBe(hookServer.got[1].key);
				const outbox = await listOutbox(app.database.db);
				expect(outbox.map((o) => [o.kind, o.attempts, o.deliveredAt !== null])).toEqual([
					['down', 1, true],
					['recovered', 1, true]
				]);
			}
		);
	});

	describe('queued messages with the real write path and senders', () => {
		let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
		const opened: Database[] = [];
		const open = async () => {
			const d = await openDatabase({ url: scratch.url, max: 4 });
			opened.push(d);
			return d;
		};
		beforeAll(async () => {
			scratch = await createScratchDatabase(driver);
		});
		afterAll(async () => {
			for (const d of opened) await d.close();
			await scratch?.drop();
		});

		it('a duplicate slot does not advance the state, and a monitor without channels queues nothing', async () => {
			const { db } = await open();
			const ids = await addMonitors(db, ['dup', 'quiet']);
			const ch = await createChannel(db, { name: 'dup-hook', type: 'webhook', config: { url: 'http://127.0.0.1:1/', secret: SECRET } });
			await attachChannel(db, ids.get('dup')!, ch);
			expect(await check(db, ids.get('dup')!, 0, 'DOWN')).toBe(true);
			expect(await check(db, ids.get('dup')!, 0, 'DOWN')).toBe(false); // the same slot again
			expect(await listOutbox(db)).toEqual([]);
			expect(await check(db, ids.get('dup')!, 1, 'DOWN')).toBe(true);
			expect((await listOutbox(db)).map((o) => o.kind)).toEqual(['down']);
			for (let i = 0; i < 4; i++) await check(db, ids.get('quiet')!, i, 'DOWN');
			expect((await listOutbox(db)).filter((o) => o.monitorId === ids.get('quiet'))).toEqual([]);
			const states = await db.query.monitorAlertState.findMany();
			expect(states.map((s) => [s.monitorId, s.state, s.badCount])).toEqual([[ids.get('dup'), 'down', 2]]);
		});

		it(
			'delivers everything after the receiver returns, in order per monitor, retries carrying the same key',
			{ timeout: 60_000 },
			async () => {
				const { db } = await open();
				const port = await closedPort();
				const ids = await addMonitors(db, ['r1', 'r2']);
				const ch = await createChannel(db, {
					name: 'away-hook',
					type: 'webhook',
					config: { url: `http://127.0.0.1:${port}/`, secret: SECRET }
				});
				for (const id of ids.values()) await attachChannel(db, id, ch);
				const sender = new Sender({ db, log: silentLogger, pollMs: 50, retryBaseMs: 50, retryCapMs: 400 });
				sender.start();
				try {
					// r1: down, recovered, down; r2: down. Four messages, queued as the checks are written.
					const seq: [string, MonitorStatus[]][] = [
						['r1', ['DOWN', 'DOWN', 'UP', 'UP', 'DOWN', 'DOWN']],
						['r2', ['UP', 'DOWN', 'DOWN']]
					];
					for (const [tag, statuses] of seq) for (const [i, s] of statuses.entries()) await check(db, ids.get(tag)!, i, s);
					const queued = (await listOutbox(db)).filter((o) => o.channelId === ch);
					expect(queued.map((o) => [o.monitorId, o.kind])).toEqual([
						[ids.get('r1'), 'down'],
						[ids.get('r1'), 'recovered'],
						[ids.get('r1'), 'down'],
						[ids.get('r2'), 'down']
					]);
					// The receiver is away: connections refused, each attempt logged, nothing delivered.
					await waitFor(async () => (await listDeliveries(db)).filter((d) => d.error).length >= 6, 20_000, 'failed attempts');
					// Back, but answering 503 to its first two requests.
					const back = await receiver(port, (n) => (n < 2 ? 503 : 200));
					try {
						await waitFor(() => back.accepted().length >= 4, 30_000, 'all four delivered');
						await wait(300);
						const outbox = (await listOutbox(db)).filter((o) => o.channelId === ch);
						expect(outbox.every((o) => o.deliveredAt !== null)).toBe(true);
						// Only the oldest message of each monitor was tried while the receiver was away: the rest waited behind it.
						const heads = [...ids.values()].map((id) => outbox.find((o) => o.monitorId === id)!.id);
						for (const o of outbox) expect(o.attempts >= 2).toBe(heads.includes(o.id));
						// Each delivered once, every request verified; per monitor in queue order.
						const ok = back.accepted();
						expect(ok.map((g) => g.key).sort()).toEqual(queued.map((o) => o.idempotencyKey).sort());
						expect(back.got.every((g) => g.verified && g.key === g.body.id)).toBe(true);
						for (const id of ids.values()) {
							const want = queued.filter((o) => o.monitorId === id).map((o) => o.idempotencyKey);
							const tag = [...ids].find(([, v]) => v === id)![0];
							expect(ok.filter((g) => g.body.monitor.tag === tag).map((g) => g.key)).toEqual(want);
						}
						// The 503s were retried with the same key and the very same bytes.
						const refused = back.got.filter((g) => g.answered === 503);
						expect(refused).toHaveLength(2);
						for (const r of refused) expect(ok.find((g) => g.key === r.key)?.raw).toBe(r.raw);
						// The log: refused connections, the 503s, then one 200 per message.
						const log = await listDeliveries(db);
						expect(log.filter((d) => d.statusCode === 503)).toHaveLength(2);
						expect(log.filter((d) => d.statusCode === 200)).toHaveLength(4);
						expect(log.filter((d) => d.error).map((d) => d.error)).toEqual(
							log.filter((d) => d.error).map(() => expect.stringMatching(/ECONNREFUSED/))
						);
					} finally {
						await back.close();
					}
				} finally {
					await sender.stop();
				}
			}
		);

		it('two senders on one database deliver each message exactly once', { timeout: 60_000 }, async () => {
			const a = await open();
			const b = await open();
			const hookServer = await receiver();
			try {
				const tags = Array.from({ length: 8 }, (_, i) => `two${i}`);
				const ids = await addMonitors(a.db, tags);
				// 32 messages at once would be a storm (grouped into digests): this test counts single messages.
				const ch = await createChannel(a.db, {
					name: 'two-hook',
					type: 'webhook',
					config: { url: `http://127.0.0.1:${hookServer.port}/`, secret: SECRET },
					stormThreshold: 1000
				});
				for (const id of ids.values()) await attachChannel(a.db, id, ch);
				// Each monitor: down, recovered, down, recovered: 32 messages.
				const statuses: MonitorStatus[] = ['DOWN', 'DOWN', 'UP', 'UP', 'DOWN', 'DOWN', 'UP', 'UP'];
				for (const id of ids.values()) for (const [i, s] of statuses.entries()) await check(a.db, id, i, s);
				const queued = (await listOutbox(a.db)).filter((o) => o.channelId === ch);
				expect(queued).toHaveLength(32);
				const senders = [a, b].map((d) => new Sender({ db: d.db, log: silentLogger, pollMs: 20, batch: 3 }));
				for (const s of senders) s.start();
				try {
					await waitFor(() => hookServer.got.length >= 32, 30_000, '32 messages');
					await wait(500); // a second copy would arrive by now
				} finally {
					for (const s of senders) await s.stop();
				}
				expect(hookServer.got).toHaveLength(32);
				expect(new Set(hookServer.got.map((g) => g.key)).size).toBe(32);
				expect(hookServer.got.every((g) => g.verified)).toBe(true);
				expect(senders[0].stats.delivered + senders[1].stats.delivered).toBe(32);
				for (const [tag, id] of ids) {
					const want = queued.filter((o) => o.monitorId === id).map((o) => o.idempotencyKey);
					expect(hookServer.got.filter((g) => g.body.monitor.tag === tag).map((g) => g.key)).toEqual(want);
				}
				const log = (await listDeliveries(a.db)).filter((d) => queued.some((o) => o.id === d.outboxId));
				expect(log).toHaveLength(32);
			} finally {
				await hookServer.close();
			}
		});
	});
});
