// Several `npm run worker` processes (build/worker.js, which
// tests/global-setup.ts compiles) on one Postgres share the monitors
// through slot claims: every slot is probed and written once, and when one
// worker is killed the others carry its monitors from the next slot on.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { createScratchPostgres } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { listen, type Listener } from '../fixtures/net';

const MONITORS = 300;
const INTERVAL = 5000;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startWorker(url: string, name: string): ChildProcess {
	const child = spawn(process.execPath, ['build/worker.js'], {
		env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', PROBE_WORKER: 'on', MONITORS_FILE: '' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stderr?.on('data', (d) => process.env.DEBUG_WORKERS && console.error(`[${name}] ${d}`));
	return child;
}

describe('three workers on one Postgres', () => {
	let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
	let database: Database;
	let listeners: Listener[] = [];
	const workers: ChildProcess[] = [];

	beforeAll(async () => {
		scratch = await createScratchPostgres();
		database = await openDatabase({ url: scratch.url, max: 2 });
		listeners = await Promise.all([listen('127.0.0.1'), listen('127.0.0.1'), listen('127.0.0.1')]);
		const r = validateMonitorList(
			Array.from({ length: MONITORS }, (_, i) => ({
				tag: `m${i}`,
				name: `Monitor ${i}`,
				type: 'TCP',
				cron: '*/5 * * * * *',
				type_data: { hosts: [{ host: '127.0.0.1', port: listeners[i % 3].port, timeout: 1000 }] }
			}))
		);
		if (!r.ok) throw new Error('fixture');
		await upsertMonitors(database.db, r.value);
	});
	afterAll(async () => {
		for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
		await database?.close();
		await scratch?.drop();
		await Promise.all(listeners.map((l) => l.close()));
	});

	it("probes every slot once, and hands a killed worker's monitors over within one interval", { timeout: 120_000 }, async () => {
		for (let i = 0; i < 3; i++) workers.push(startWorker(scratch.url, `w${i}`));
		// Let all three start and run a few slots.
		await wait(20_000);
		const killedAt = Date.now();
		workers[0].kill('SIGKILL');
		await wait(25_000);
		const stoppedAt = Date.now();
		await Promise.all(
			workers.slice(1).map(
				(w) =>
					new Promise<void>((resolve) => {
						w.once('exit', () => resolve());
						w.kill('SIGTERM');
					})
			)
		);

		type Row = { monitor_id: number; ts: Date; worker_id: string | null };
		const res = await database.db.execute(sql`
			select c.monitor_id, timestamptz '2020-01-01Z' + c.ts * interval '1 second' as ts, s.worker_id
			from check_results c left join slot_claims s on s.monitor_id = c.monitor_id
				and s.ts = timestamptz '2020-01-01Z' + c.ts * interval '1 second'
			order by c.monitor_id, c.ts`);
		const rows = (res as unknown as { rows: Row[] }).rows;
		const byMonitor = new Map<number, number[]>();
		const workersSeen = new Set<string>();
		for (const r of rows) {
			const list = byMonitor.get(r.monitor_id) ?? [];
			list.push(new Date(r.ts).getTime());
			byMonitor.set(r.monitor_id, list);
			if (r.worker_id) workersSeen.add(r.worker_id.split(':')[1]);
		}

		// All three took part.
		expect(workersSeen.size).toBe(3);
		expect(byMonitor.size).toBe(MONITORS);
		// Slots from the hand-over interval after the kill until shortly before the stop:
		// every monitor has every one of them (a row per slot is guaranteed unique by the key).
		const from = Math.ceil((killedAt + INTERVAL) / INTERVAL) * INTERVAL;
		const to = Math.floor((stoppedAt - INTERVAL) / INTERVAL) * INTERVAL;
		expect(to - from).toBeGreaterThanOrEqual(2 * INTERVAL);
		let missing = 0;
		for (const [, slots] of byMonitor) {
			const have = new Set(slots);
			for (let t = from; t <= to; t += INTERVAL) if (!have.has(t)) missing++;
		}
		expect(missing).toBe(0);
		// Before the kill too, nothing is missing except possibly the slots in flight at the kill.
		const early = Math.ceil(Math.min(...rows.map((r) => new Date(r.ts).getTime())) / INTERVAL) * INTERVAL + INTERVAL;
		let missingBefore = 0;
		for (const [, slots] of byMonitor) {
			const have = new Set(slots);
			for (let t = early; t < killedAt - INTERVAL; t += INTERVAL) if (!have.has(t)) missingBefore++;
		}
		expect(missingBefore).toBe(0);
	});
});
