// Issue 14, exactly once with several workers: three `node build/worker.js`
// processes on one PostgreSQL share ten monitors (slot claims) and the outbox
// (row locks). The real TCP services the monitors probe close and reopen;
// each down and each recovered message reaches the real receiver exactly
// once, counted by idempotency key, in order per monitor.
import type { ChildProcess } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { createScratchPostgres } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { attachChannel, createChannel, listDeliveries, listOutbox } from '../../src/lib/server/db/queries/alerts';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { listen, type Listener } from '../fixtures/net';
import { killWorker, startWorker, waitFor, webhookReceiver, type Receiver } from '../fixtures/webhook';

const SECRET = 'three-workers';
const MONITORS = 10;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('three workers on one PostgreSQL, ten monitors down and back', () => {
	let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
	let database: Database;
	let services: Listener[] = [];
	let rx: Receiver;
	const workers: ChildProcess[] = [];

	beforeAll(async () => {
		scratch = await createScratchPostgres();
		database = await openDatabase({ url: scratch.url, max: 2 });
		services = await Promise.all([listen('127.0.0.1'), listen('127.0.0.1')]);
		rx = await webhookReceiver(SECRET);
		const r = validateMonitorList(
			Array.from({ length: MONITORS }, (_, i) => ({
				tag: `m${i}`,
				name: `Monitor ${i}`,
				type: 'TCP',
				cron: '*/5 * * * * *',
				type_data: { hosts: [{ host: '127.0.0.1', port: services[i % 2].port, timeout: 1000 }] }
			}))
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(database.db, r.value);
		const channel = await createChannel(database.db, {
			name: 'hook',
			type: 'webhook',
			config: { url: `http://127.0.0.1:${rx.port}/`, secret: SECRET },
			stormThreshold: 1000 // one message per confirmation: this counts messages, not digests
		});
		for (const m of await database.db.query.monitors.findMany()) await attachChannel(database.db, m.id, channel);
	});
	afterAll(async () => {
		for (const w of workers) await killWorker(w, 'SIGKILL');
		await rx?.close();
		await Promise.all(services.map((l) => l.close()));
		await database?.close();
		await scratch?.drop();
	});

	const upChecks = async () => {
		const res = await database.db.execute(sql`select count(*)::int as n from monitor_alert_state where last_status = 'UP'`);
		return (res as unknown as { rows: { n: number }[] }).rows[0].n;
	};

	it('delivers every down and recovered message exactly once', { timeout: 180_000 }, async () => {
		for (let i = 0; i < 3; i++) workers.push(startWorker(scratch.url, `w${i}`));
		await waitFor(async () => (await upChecks()) === MONITORS, 60_000, 'an UP check of every monitor');
		const ports = services.map((s) => s.port);
		await Promise.all(services.map((s) => s.close()));
		await waitFor(() => rx.got.filter((g) => g.body.kind === 'down').length >= MONITORS, 60_000, 'ten down messages');
		services = await Promise.all(ports.map((p) => listen('127.0.0.1', p)));
		await waitFor(() => rx.got.filter((g) => g.body.kind === 'recovered').length >= MONITORS, 60_000, 'ten recovered messages');
		await wait(3000); // a second copy of anything would be on its way by now
		await Promise.all(workers.map((w) => killWorker(w, 'SIGTERM')));

		const outbox = await listOutbox(database.db);
		expect(outbox).toHaveLength(2 * MONITORS);
		expect(outbox.every((o) => o.deliveredAt !== null && o.attempts === 1)).toBe(true);
		// Every expected key exactly once, nothing else, every signature good.
		expect(rx.got).toHaveLength(2 * MONITORS);
		expect(rx.got.map((g) => g.key).sort()).toEqual(outbox.map((o) => o.idempotencyKey).sort());
		expect(rx.got.every((g) => g.verified && g.answered === 200 && g.key === g.body.id)).toBe(true);
		// Per monitor: down, then recovered.
		for (let i = 0; i < MONITORS; i++) {
			expect(rx.got.filter((g) => g.body.monitor.tag === `m${i}`).map((g) => g.body.kind)).toEqual(['down', 'recovered']);
		}
		const log = await listDeliveries(database.db);
		expect(log.map((d) => d.statusCode)).toEqual(outbox.map(() => 200));
		// The checks (and so the messages' commits and wake-ups) came from more than one worker.
		const res = await database.db.execute(sql`select count(distinct worker_id)::int as n from slot_claims`);
		expect((res as unknown as { rows: { n: number }[] }).rows[0].n).toBeGreaterThanOrEqual(2);
	});
});
