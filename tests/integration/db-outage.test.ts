// The database goes away while monitors run: probing goes on, results wait in
// the outage buffer, and when the server returns every slot is written once,
// in order, with the right status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { checks } from '../../src/lib/server/db/schema';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { silentLogger } from '../../src/lib/server/log';
import { ProbeWorker } from '../../src/lib/server/probe/pool';
import { EvalSandbox } from '../../src/lib/server/eval/sandbox';
import { Scheduler, type CheckEvent } from '../../src/lib/server/probe/scheduler';
import { listen, closedPort, type Listener } from '../fixtures/net';
import { startPgServer, type PgServer } from '../fixtures/pg-server';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const probeWorker = new ProbeWorker();
const sandbox = new EvalSandbox();

describe('database outage', () => {
	let pg: PgServer;
	let database: Database;
	let listener: Listener;
	beforeAll(async () => {
		pg = await startPgServer();
		database = await openDatabase({ url: pg.url, max: 2 });
		listener = await listen('127.0.0.1');
		probeWorker.start();
	});
	afterAll(async () => {
		await database?.close().catch(() => {});
		pg?.destroy();
		await listener?.close();
		await probeWorker.stop();
		await sandbox.stop();
	});

	it('keeps probing, buffers, and writes every slot once when the server returns', { timeout: 90_000 }, async () => {
		const refused = await closedPort();
		const r = validateMonitorList([
			{ tag: 'up', name: 'Up', type: 'TCP', cron: '*/5 * * * * *', type_data: { hosts: [{ host: '127.0.0.1', port: listener.port }] } },
			{ tag: 'down', name: 'Down', type: 'TCP', cron: '*/5 * * * * *', type_data: { hosts: [{ host: '127.0.0.1', port: refused }] } }
		]);
		if (!r.ok) throw new Error('fixture');
		await upsertMonitors(database.db, r.value);
		const events: CheckEvent[] = [];
		const s = new Scheduler({
			db: database.db,
			probe: (hosts) => probeWorker.probe(hosts),
			evaluate: sandbox.evaluate,
			timeZone: 'UTC',
			log: silentLogger,
			spreadMs: () => 0,
			retryMs: 300,
			onCheck: (e) => events.push(e)
		});
		await s.start();
		try {
			while (!events.some((e) => e.written)) await wait(100);
			pg.stop();
			const outageStart = Date.now();
			// Longer than three checks of each monitor.
			await wait(18_000);
			const during = events.filter((e) => e.startedAt >= outageStart);
			expect(during.filter((e) => e.tag === 'up').length).toBeGreaterThanOrEqual(3);
			expect(during.every((e) => e.buffered)).toBe(true);
			expect(s.buffer.size).toBeGreaterThanOrEqual(6);
			pg.start();
			const deadline = Date.now() + 20_000;
			while (s.buffer.size > 0 && Date.now() < deadline) await wait(200);
			expect(s.buffer.size).toBe(0);
			await wait(6_000); // one more live slot after the flush
		} finally {
			await s.stop();
		}
		expect(s.buffer.dropped).toBe(0);
		const rows = await database.db.select().from(checks).orderBy(checks.ts);
		for (const [tag, status] of [
			['up', 'UP'],
			['down', 'DOWN']
		] as const) {
			const ev = events.filter((e) => e.tag === tag);
			const mine = rows.filter((row) => row.monitorId === ev[0].monitorId);
			// Every slot any check ran for is in the table exactly once...
			expect(mine.map((row) => row.ts.getTime())).toEqual(ev.map((e) => e.slot.getTime()).sort((a, b) => a - b));
			// ...with no gap between the first and the last: nothing lost during the outage.
			for (let i = 1; i < mine.length; i++) expect(mine[i].ts.getTime() - mine[i - 1].ts.getTime()).toBe(5000);
			expect(mine.every((row) => row.status === status)).toBe(true);
		}
	});
});
