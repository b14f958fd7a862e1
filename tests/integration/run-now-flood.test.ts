// Issue 10: run-now must not starve the probe loop. The running app (real
// probe worker, eval sandbox, scheduler, embedded PostgreSQL on disk) checks a healthy
// monitor every 5 s while run-now is flooded at a port that never answers:
// as many requests as the limits admit, kept running back to back, plus more
// that must be refused. Every slot of the window is written, and all UP.
// MAX_SOCKETS is set below the flood's host count, so the test fails if
// run-now ever shares the scheduler's sockets again. Traffic: 127.0.0.1 only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, gte, lte } from 'drizzle-orm';
import { loadConfig } from '../../src/lib/server/config';
import { runNowAs, startApp, stopApp, type App } from '../../src/lib/server/app';
import { checks, monitors } from '../../src/lib/server/db/schema';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { checkBody, type ApiReply } from '../../src/lib/server/api/write';
import { runFromForm } from '../../src/lib/server/admin/editor';
import { RUN_NOW_MAX_HOSTS, RUN_NOW_MAX_TIMEOUT_MS, RUN_NOW_PER_CALLER, RUN_NOW_TOTAL } from '../../src/lib/server/probe/run-now';
import type { CheckEvent } from '../../src/lib/server/probe/scheduler';
import { blackhole, listen, type Listener } from '../fixtures/net';

const EVERY = 5000;
/** How long new flood requests keep being sent; those running then are awaited. */
const FLOOD_MS = 16_000;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => T | undefined, ms: number, what: string): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await wait(50);
	}
}

const body = (port: number, n: number, timeout: number) => ({
	type_data: { hosts: Array.from({ length: n }, () => ({ host: '127.0.0.1', port, timeout })) }
});

/** The editor's Run now form post with n hosts. */
function runForm(port: number, n: number, timeout: number): Request {
	const fd = new URLSearchParams();
	for (let i = 0; i < n; i++) {
		for (const [k, v] of [
			['host_type', 'tcp'],
			['host_host', '127.0.0.1'],
			['host_port', String(port)],
			['host_timeout', String(timeout)]
		])
			fd.append(k, v);
	}
	return new Request('http://localhost/admin/monitors/new?/run', { method: 'POST', body: fd });
}

describe('run-now flood while the probe loop runs', () => {
	let dir: string;
	let healthy: Listener;
	let app: App;
	const events: CheckEvent[] = [];

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'porthole-flood-'));
		healthy = await listen('127.0.0.1');
		// 8 scheduler sockets: fewer than the 80 hosts run-now may have going at once.
		const config = loadConfig({ DATA_DIR: dir, MAX_SOCKETS: '8', PROBE_WORKER: 'on', LOG_LEVEL: 'error' });
		app = await startApp(config, {
			snapshot: false,
			scheduler: { spreadMs: () => 0, refreshMs: 200, onCheck: (e) => events.push(e) }
		});
		const r = validateMonitorList([
			{
				tag: 'healthy',
				name: 'Healthy',
				type: 'TCP',
				cron: '*/5 * * * * *',
				// generous: a loaded CI machine must not be what turns it DOWN
				type_data: { hosts: [{ host: '127.0.0.1', port: healthy.port, timeout: 3000 }] }
			}
		]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(app.database.db, r.value);
		await app.scheduler!.refresh();
	});
	afterAll(async () => {
		await stopApp();
		await healthy?.close();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it('every slot is written and UP; over-limit requests get 400 or 429', { timeout: 120_000 }, async () => {
		await waitFor(() => events.find((e) => e.written), 12_000, 'the first scheduled check');
		const bh = await blackhole('127.0.0.1');
		try {
			// The issue's flood: three requests of 100 hosts with timeout 60000. Refused whole.
			const issue = await Promise.all(
				[1, 2, 3].map(() => checkBody(body(bh.port, 100, 60_000), app.eval.checkSyntax, runNowAs(app, 'key:1')))
			);
			for (const r of issue) {
				expect(r.status).toBe(400);
				const errors = (r.body as { errors: { path: string; message: string }[] }).errors;
				expect(errors[0]).toEqual({ path: 'type_data.hosts', message: 'must be at most 20 hosts (the run-now limit), got 100' });
				expect(errors[1]).toEqual({
					path: 'type_data.hosts[0].timeout',
					message: 'must be at most 10000 ms (the run-now limit), got 60000'
				});
			}
			// The same from the editor: marked on the hosts.
			const editorOver = await runFromForm(app, runForm(bh.port, 21, 60_000), 'admin:1');
			expect(editorOver).toMatchObject({ status: 400 });
			expect((editorOver as { data: { errors: Record<string, string> } }).data.errors).toMatchObject({
				hosts: 'Hosts must be at most 20 hosts (the run-now limit), got 21',
				'hosts.0.timeout': 'Timeout must be at most 10000 ms (the run-now limit), got 60000'
			});

			// The most the limits admit: RUN_NOW_TOTAL requests (RUN_NOW_PER_CALLER
			// per caller) of RUN_NOW_MAX_HOSTS hosts at the longest timeout, each
			// sent again as soon as it ends, for FLOOD_MS.
			expect(RUN_NOW_TOTAL % RUN_NOW_PER_CALLER).toBe(0);
			const callers = Array.from({ length: RUN_NOW_TOTAL }, (_, i) => `key:flood${Math.floor(i / RUN_NOW_PER_CALLER)}`);
			const floodBody = body(bh.port, RUN_NOW_MAX_HOSTS, RUN_NOW_MAX_TIMEOUT_MS);
			const started = Date.now();
			const stopAt = started + FLOOD_MS;
			const admitted: ApiReply[] = [];
			const loops = callers.map(async (caller) => {
				while (Date.now() < stopAt) admitted.push(await checkBody(floodBody, app.eval.checkSyntax, runNowAs(app, caller)));
			});
			// Meanwhile, more: one more from a flooding caller (its own limit) and
			// one from a new caller (the total), a few times over.
			const refused: ApiReply[] = [];
			for (let i = 0; i < 4; i++) {
				await wait(FLOOD_MS / 5);
				refused.push(await checkBody(floodBody, app.eval.checkSyntax, runNowAs(app, callers[0])));
				refused.push(await checkBody(floodBody, app.eval.checkSyntax, runNowAs(app, `key:late${i}`)));
			}
			// The editor's Run now, from a flooding caller: a form failure saying why.
			const editorBusy = await runFromForm(app, runForm(bh.port, 1, 1000), callers[0]);
			expect(editorBusy).toMatchObject({ status: 429, data: { busy: expect.stringMatching(/at most 2 per caller/) } });
			await Promise.all(loops);
			const ended = Date.now();

			// Admitted: every one ran (200), every host timed out at the blackhole.
			expect(admitted.length).toBeGreaterThanOrEqual(RUN_NOW_TOTAL * 2);
			for (const r of admitted) {
				expect(r.status).toBe(200);
				const pings = (r.body as { pings: { status: string }[] }).pings;
				expect(pings.map((p) => p.status)).toEqual(Array(RUN_NOW_MAX_HOSTS).fill('timeout'));
			}
			// Refused: all 8, each saying which limit, with Retry-After.
			expect(refused.map((r) => r.status)).toEqual(Array(8).fill(429));
			refused.forEach((r, i) => {
				const error = (r.body as { error: string }).error;
				expect(error).toMatch(i % 2 === 0 ? /at most 2 per caller/ : /running 4 run-now requests already/);
				expect(Number(r.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
			});
			expect(app.runNow.inFlight).toBe(0);

			// The monitor: every slot from the flood's start to its end, written and UP.
			const first = Math.ceil(started / EVERY) * EVERY;
			const last = Math.floor(ended / EVERY) * EVERY;
			await waitFor(() => events.find((e) => e.slot.getTime() >= last && e.finishedAt), 12_000, 'the last slot of the window');
			const { db } = app.database;
			const [m] = await db.select().from(monitors).where(eq(monitors.tag, 'healthy'));
			const rows = await db
				.select()
				.from(checks)
				.where(and(eq(checks.monitorId, m.id), gte(checks.ts, new Date(first)), lte(checks.ts, new Date(last))))
				.orderBy(checks.ts);
			const slots = Array.from({ length: (last - first) / EVERY + 1 }, (_, i) => first + i * EVERY);
			expect(slots.length).toBeGreaterThanOrEqual(4);
			expect(rows.map((r) => r.ts.getTime())).toEqual(slots);
			expect(rows.map((r) => r.status)).toEqual(slots.map(() => 'UP'));
			expect(app.scheduler!.stats.skippedOverlap).toBe(0);
		} finally {
			await bh.close();
		}
	});
});
