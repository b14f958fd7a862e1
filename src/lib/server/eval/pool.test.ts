// The eval pool with real QuickJS workers and real code: templates, limits,
// the watchdog, queueing. Fake, failing workers are in pool-failures.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EvalPool, resolveEvalWorkerUrl } from './pool';
import { EVAL_TEMPLATES } from './templates';
import type { Ping } from '../types';
import { measureLag } from '../../../../tests/fixtures/lag';

function ping(status: Ping['status'], latency: number, host = 'h'): Ping {
	return { status, latency, host, port: 6379, type: 'tcp' };
}
const T = (id: string) => EVAL_TEMPLATES.find((t) => t.id === id)!.source;

/** Builtins that never call QuickJS's interrupt handler: only terminating the thread stops them. */
const STALLS = [
	'(function () { Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1) })',
	'(function () { Array.prototype.includes.call({ length: 2 ** 53 - 1 }, 1) })',
	'(function () { Array.prototype.some.call({ length: 2 ** 53 - 1 }, (x) => x) })'
];
const LOOP = '(function () { while (true) {} })';
const BOMB = '(function () { let a = []; while (true) a.push(new Array(1e6).fill(1)) })';

async function waitUntil(f: () => boolean, ms = 5000): Promise<void> {
	const end = performance.now() + ms;
	while (!f()) {
		if (performance.now() > end) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 20));
	}
}

const TIMEOUT = 300;
const GRACE = 250;
let pool: EvalPool;

beforeAll(() => {
	pool = new EvalPool({ workers: 2, timeoutMs: TIMEOUT, graceMs: GRACE });
});
afterAll(async () => {
	await pool.stop();
});

describe('resolveEvalWorkerUrl', () => {
	it('finds the package export porthole/eval-worker: the built worker, build/workers/eval-worker.js', () => {
		const url = resolveEvalWorkerUrl();
		expect(url.protocol).toBe('file:');
		expect(fileURLToPath(url)).toBe(fileURLToPath(new URL('../../../../build/workers/eval-worker.js', import.meta.url)));
	});
});

describe('through the worker pool', () => {
	it('runs the default function and the spec examples', async () => {
		const open3 = [ping('open', 10), ping('open', 20), ping('open', 30)];
		const oneDown = [ping('open', 10), ping('error', 0), ping('open', 30)];
		const { result: results, lag } = await measureLag(() =>
			Promise.all([
				pool.evaluate(null, open3),
				pool.evaluate(null, oneDown),
				pool.evaluate(T('quorum'), oneDown),
				pool.evaluate(T('latency-threshold'), [ping('open', 50), ping('open', 150)]),
				pool.evaluate(T('failover'), [ping('error', 0), ping('open', 33)]),
				pool.evaluate(T('weighted'), oneDown),
				pool.evaluate(T('timeout-specific'), [ping('open', 10), ping('timeout', 0)]),
				pool.evaluate(T('percentile'), [ping('open', 100), ping('open', 200)])
			])
		);
		expect(results.map((r) => [r.status, r.latency])).toEqual([
			['UP', 20],
			['DOWN', 40 / 3],
			['DEGRADED', 20],
			['DEGRADED', 100],
			['DEGRADED', 33],
			['DEGRADED', 20],
			['DEGRADED', 10],
			['DEGRADED', 150]
		]);
		for (const r of results) {
			expect(r.error).toBeUndefined();
			expect(r.durationMs).toBeGreaterThan(0);
			expect(r.durationMs).toBeLessThan(5000 + lag);
		}
	});

	it('reports failures as DOWN with their cause', async () => {
		expect(await pool.evaluate('(function () {\n  null.x\n})', [])).toMatchObject({
			status: 'DOWN',
			latency: 0,
			error: "eval threw: TypeError: cannot read property 'x' of null (line 2)"
		});
		// (A generous timeout: this is about memory, and a cold worker on a busy machine is slow.)
		expect(await pool.evaluate(BOMB, [], { timeoutMs: 5000 })).toMatchObject({
			error: 'eval ran out of memory (limit 32 MB)',
			fault: 'memory'
		});
		expect((await pool.evaluate(BOMB, [], { timeoutMs: 5000, memoryMb: 16 })).error).toBe('eval ran out of memory (limit 16 MB)');
		// The function's own failures carry no fault: only limits do.
		const never = await pool.evaluate('(function () { return new Promise(() => {}) })', []);
		expect(never.error).toBe("eval's promise never settled");
		expect(never.fault).toBeUndefined();
		// Deep recursion on a worker thread's stack: QuickJS's own limit, no crash, no termination.
		const terminations = pool.terminations;
		expect((await pool.evaluate('(function f() { return f() + 1 })', [])).error).toBe(
			'eval exceeded the stack limit (recursion too deep) (line 1)'
		);
		expect((await pool.evaluate('(function () { return JSON.parse("[".repeat(1e5)) })', [])).error).toMatch(/stack overflow/);
		expect(pool.terminations).toBe(terminations);
		expect(await pool.evaluate(null, [ping('open', 9)])).toMatchObject({ status: 'UP', latency: 9 });
	});

	it('an infinite loop is stopped in the sandbox within the timeout, and the pool goes on', async () => {
		const { result: r, wall, lag } = await measureLag(() => pool.evaluate(LOOP, [ping('open', 1)]));
		expect(r).toMatchObject({ status: 'DOWN', latency: 0, fault: 'time' });
		// Normally the sandbox's own interrupt; on a very busy machine the watchdog may win.
		expect(r.error).toMatch(new RegExp(`^eval timed out after ${TIMEOUT} ms( \\(sandbox terminated\\))?$`));
		// within the watchdog's bound, beyond what a busy machine held this thread up
		expect(wall).toBeLessThan(TIMEOUT + GRACE + 300 + lag);
		expect(await pool.evaluate(null, [ping('open', 5)])).toMatchObject({ status: 'UP', latency: 5 });
	});

	it('builtins that ignore the interrupt handler: the watchdog terminates and replaces the worker', async () => {
		for (const stall of STALLS) {
			const before = { starts: pool.starts, terminations: pool.terminations, threads: pool.threadIds };
			const { result: r, wall, lag } = await measureLag(() => pool.evaluate(stall, [ping('open', 1)]));
			expect(r).toMatchObject({
				status: 'DOWN',
				latency: 0,
				error: `eval timed out after ${TIMEOUT} ms (sandbox terminated)`,
				fault: 'time'
			});
			expect(r.durationMs).toBeGreaterThanOrEqual(TIMEOUT + GRACE - 5);
			expect(wall).toBeLessThan(TIMEOUT + GRACE + 600 + lag);
			expect(pool.terminations).toBe(before.terminations + 1);
			// A replacement was started at once, and a normal evaluation right after succeeds.
			expect(pool.starts).toBe(before.starts + 1);
			expect(await pool.evaluate(null, [ping('open', 7)])).toMatchObject({ status: 'UP', latency: 7 });
			expect(pool.threadIds).toHaveLength(2);
			expect(pool.threadIds).not.toEqual(before.threads);
		}
	});

	it('20 concurrent evaluations with 3 hostile ones: every healthy one succeeds', async () => {
		const jobs = Array.from({ length: 20 }, (_, i) => {
			if (i === 3) return { hostile: true, p: pool.evaluate(LOOP, []) };
			if (i === 9) return { hostile: true, p: pool.evaluate(STALLS[0], []) };
			if (i === 15) return { hostile: true, p: pool.evaluate(BOMB, []) };
			const pings = [ping('open', i), ping('open', i + 2)];
			return { hostile: false, i, p: pool.evaluate(i % 2 ? null : T('quorum'), pings) };
		});
		const results = await Promise.all(jobs.map((j) => j.p));
		jobs.forEach((j, k) => {
			const r = results[k];
			if (j.hostile) {
				expect(r.status).toBe('DOWN');
				expect(r.error).toMatch(/timed out|out of memory/);
			} else {
				expect(r, `job ${k}`).toMatchObject({ status: 'UP', latency: (j.i as number) + 1 });
				expect(r.error).toBeUndefined();
			}
		});
		expect(pool.threadIds).toHaveLength(2);
	});

	it('a reply that arrived while the main thread was blocked wins over the watchdog', async () => {
		// The premise is that the worker answers while the main thread is
		// blocked. On a loaded machine the worker may not get a core within
		// the block at all: then the watchdog rightly wins, so that attempt
		// proves nothing and the scenario runs again (a fresh pool, a longer
		// block). The bug this guards against loses every attempt.
		const outcomes: string[] = [];
		for (const blockMs of [800, 2500, 6000]) {
			const p = new EvalPool({ workers: 1, timeoutMs: 50, graceMs: 0 });
			try {
				await p.evaluate(null, [ping('open', 1)], { timeoutMs: 5000 }); // a ready worker
				// From the event loop's check phase, so that its next turn starts with timers, then I/O.
				await new Promise((resolve) => setImmediate(resolve));
				const r = p.evaluate(null, [ping('open', 4)]);
				// Block past the watchdog; the worker answers meanwhile (its reply waits in the queue).
				const until = performance.now() + blockMs;
				while (performance.now() < until) {
					/* busy */
				}
				const result = await r;
				outcomes.push(`${blockMs} ms: ${result.status} ${result.error ?? ''}, ${p.terminations} terminations`);
				if (result.status === 'UP') {
					expect(result).toMatchObject({ status: 'UP', latency: 4 });
					expect(p.terminations).toBe(0);
					return;
				}
				// Only the watchdog may explain a lost attempt.
				expect(result.error).toMatch(/timed out/);
			} finally {
				await p.stop();
			}
		}
		expect.fail(`the watchdog won every attempt: ${outcomes.join('; ')}`);
	}, 30_000);

	it('a spare worker takes the next task at once when one is terminated, and never adds concurrency', async () => {
		const p = new EvalPool({ workers: 1, spares: 1, timeoutMs: TIMEOUT, graceMs: GRACE });
		try {
			await p.evaluate(null, [ping('open', 1)]);
			await waitUntil(() => p.threadIds.length === 2);
			const loops = [p.evaluate(LOOP, []), p.evaluate(LOOP, [])];
			expect([p.busy, p.queued]).toEqual([1, 1]);
			await Promise.all(loops);
			await waitUntil(() => p.threadIds.length === 2);
			const starts = p.starts;
			expect((await p.evaluate(STALLS[0], [])).fault).toBe('time');
			// The spare is ready: the next task starts now, not after a new worker's start-up.
			const next = p.evaluate(null, [ping('open', 2)]);
			expect(p.busy).toBe(1);
			expect(await next).toMatchObject({ status: 'UP', latency: 2 });
			expect(p.starts).toBe(starts + 1);
		} finally {
			await p.stop();
		}
	});

	it.skipIf(process.platform !== 'linux')("nice: the workers' threads run at a lower CPU priority", async () => {
		/** Threads of this process with this nice value (field 19 of /proc/self/task/<tid>/stat). */
		const niced = (n: number) =>
			readdirSync('/proc/self/task').filter((tid) => {
				try {
					const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
					return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) === n;
				} catch {
					return false; // the thread ended meanwhile
				}
			}).length;
		const before = niced(10);
		const p = new EvalPool({ workers: 2, nice: 10 });
		try {
			expect(await p.evaluate(null, [ping('open', 3)])).toMatchObject({ status: 'UP', latency: 3 });
			await waitUntil(() => niced(10) >= before + 2);
			expect(niced(10)).toBe(before + 2);
		} finally {
			await p.stop();
		}
	});

	it('a task no worker took by its startBy is answered without running', async () => {
		const p = new EvalPool({ workers: 1, timeoutMs: 400, graceMs: GRACE });
		try {
			await p.evaluate(null, [ping('open', 1)]); // a ready worker
			let blockerDone = false;
			const blocker = p.evaluate(LOOP, []).then((r) => ((blockerDone = true), r));
			const late = await p.evaluate(null, [ping('open', 2)], { startBy: Date.now() + 100 });
			expect(late).toMatchObject({ status: 'DOWN', latency: 0, notRun: true, durationMs: 0 });
			expect(late.error).toBe('eval could not start in time for the next check (eval lane, 0 others waiting)');
			expect(blockerDone).toBe(false); // answered while the worker was still busy
			expect((await p.evaluate(null, [], { startBy: Date.now() - 1 })).notRun).toBe(true);
			expect((await blocker).fault).toBe('time');
			// In time: it runs as usual.
			expect(await p.evaluate(null, [ping('open', 3)], { startBy: Date.now() + 5000 })).toMatchObject({ status: 'UP', latency: 3 });
		} finally {
			await p.stop();
		}
	});

	it('urgent tasks go before waiting non-urgent ones, FIFO within each kind', async () => {
		const p = new EvalPool({ workers: 1, timeoutMs: 400, graceMs: GRACE });
		try {
			const order: string[] = [];
			const run = (name: string, urgent: boolean) =>
				p.evaluate(null, [ping('open', 1)], { urgent }).then((r) => {
					expect(r.status).toBe('UP');
					order.push(name);
				});
			await p.evaluate(null, [ping('open', 1)]); // a ready worker: the blocker starts at once
			const blocker = p.evaluate(LOOP, []);
			expect(p.busy).toBe(1);
			const all = [run('a', false), run('b', false), run('u1', true), run('c', false), run('u2', true)];
			expect(p.queued).toBe(5);
			await Promise.all([blocker, ...all]);
			expect(order).toEqual(['u1', 'u2', 'a', 'b', 'c']);
			expect(p.accepted).toBe(7);
		} finally {
			await p.stop();
		}
	});

	it('checks syntax without running the code', async () => {
		expect(await pool.checkSyntax(T('weighted'))).toEqual({ ok: true });
		expect(await pool.checkSyntax('while (true) {}')).toEqual({ ok: true });
		expect(await pool.checkSyntax(null)).toEqual({ ok: true });
		expect(await pool.checkSyntax('(function () {\n  return {,}\n})')).toEqual({
			ok: false,
			error: 'SyntaxError: invalid property name (line 2, column 11)',
			line: 2,
			column: 11
		});
	});

	it('pings that cannot be sent give DOWN, not a rejection', async () => {
		const bad = [{ ...ping('open', 1), f: () => 1 }] as unknown as Ping[];
		expect((await pool.evaluate(null, bad)).error).toMatch(/^eval input could not be sent to the sandbox/);
		expect(await pool.evaluate(null, [ping('open', 3)])).toMatchObject({ status: 'UP', latency: 3 });
	});
});
