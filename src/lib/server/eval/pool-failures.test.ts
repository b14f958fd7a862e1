// The pool against fake workers that crash, fail to load or sit on a task
// without using the CPU: the failure handling a real QuickJS worker rarely
// shows. The pool with real workers and real code is pool.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EvalPool } from './pool';
import type { Ping } from '../types';

function ping(status: Ping['status'], latency: number, host = 'h'): Ping {
	return { status, latency, host, port: 6379, type: 'tcp' };
}
const LOOP = '(function () { while (true) {} })';

describe('worker failures (fake workers)', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'porthole-eval-'));
		writeFileSync(
			join(dir, 'crash.mjs'),
			`import { parentPort } from 'node:worker_threads';
			parentPort.postMessage({ type: 'ready' });
			parentPort.on('message', (m) => { if (m.source === 'crash') process.exit(3); parentPort.postMessage({ id: m.id, result: { status: 'UP', latency: 1, durationMs: 0 } }); });`
		);
		writeFileSync(join(dir, 'broken.mjs'), `throw new Error('cannot load');`);
		// Answers after sleeping 400 ms without using the CPU (as if waiting for a core), and says its thread id.
		writeFileSync(
			join(dir, 'sleepy.mjs'),
			`import { parentPort } from 'node:worker_threads';
			import { readlinkSync } from 'node:fs';
			const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
			parentPort.postMessage({ type: 'ready', tid });
			parentPort.on('message', (m) => {
				Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
				parentPort.postMessage({ id: m.id, result: { status: 'UP', latency: 1, durationMs: 400 } });
			});`
		);
		// Replies with the ms since its last "crash" request, and is not ready for 300 ms after one.
		writeFileSync(
			join(dir, 'rebuild.mjs'),
			`import { parentPort } from 'node:worker_threads';
			let crashed = performance.now();
			parentPort.postMessage({ type: 'ready' });
			parentPort.on('message', (m) => {
				const latency = performance.now() - crashed;
				const rebuilding = m.source === 'crash';
				if (rebuilding) { crashed = performance.now(); setTimeout(() => parentPort.postMessage({ type: 'ready' }), 300); }
				parentPort.postMessage({ id: m.id, result: { status: 'UP', latency, durationMs: 0 }, rebuilding });
			});`
		);
		writeFileSync(
			join(dir, 'liar.mjs'),
			`import { parentPort } from 'node:worker_threads';
			parentPort.postMessage({ type: 'ready' });
			parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, result: { status: 'up', latency: NaN } }));`
		);
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('a worker that exits mid-task fails that task with DOWN and is replaced', async () => {
		const p = new EvalPool({ workers: 1, url: pathToFileURL(join(dir, 'crash.mjs')) });
		try {
			expect((await p.evaluate('ok', [])).status).toBe('UP');
			const first = p.threadIds[0];
			const r = await p.evaluate('crash', []);
			expect(r).toMatchObject({ status: 'DOWN', latency: 0, error: 'eval sandbox crashed (exit code 3)', fault: 'crash' });
			expect(await p.evaluate('ok', [])).toMatchObject({ status: 'UP', latency: 1 });
			expect(p.threadIds).toHaveLength(1);
			expect(p.threadIds[0]).not.toBe(first);
			expect(p.starts).toBe(2);
		} finally {
			await p.stop();
		}
	});

	it('a worker that rebuilds its module gets no task until it is ready again', async () => {
		const p = new EvalPool({ workers: 1, url: pathToFileURL(join(dir, 'rebuild.mjs')) });
		try {
			await p.evaluate('ok', []);
			const [, next] = await Promise.all([p.evaluate('crash', []), p.evaluate('ok', [])]);
			// Sent only after the worker's second 'ready', 300 ms after the crash.
			expect(next.latency).toBeGreaterThanOrEqual(290);
			expect(p.starts).toBe(1);
		} finally {
			await p.stop();
		}
	});

	it.skipIf(process.platform !== 'linux')(
		'with wallMs the watchdog counts CPU time: a worker waiting (not running) is not terminated',
		async () => {
			const p = new EvalPool({ workers: 1, graceMs: 50, url: pathToFileURL(join(dir, 'sleepy.mjs')) });
			try {
				// A wall-clock limit: terminated at 100 ms.
				expect(await p.evaluate('x', [], { timeoutMs: 50 })).toMatchObject({ fault: 'time' });
				expect(p.terminations).toBe(1);
				// A CPU budget within a 1 s wall cap: its answer comes at 400 ms.
				expect(await p.evaluate('x', [], { timeoutMs: 50, wallMs: 1000 })).toMatchObject({ status: 'UP', latency: 1 });
				expect(p.terminations).toBe(1);
				// The wall cap still holds.
				expect(await p.evaluate('x', [], { timeoutMs: 50, wallMs: 200 })).toMatchObject({ fault: 'time' });
				expect(p.terminations).toBe(2);
			} finally {
				await p.stop();
			}
		}
	);

	it('a worker that cannot start fails queued work instead of looping', async () => {
		const p = new EvalPool({ workers: 2, url: pathToFileURL(join(dir, 'broken.mjs')) });
		try {
			const r = await p.evaluate(null, []);
			expect(r.status).toBe('DOWN');
			expect(r.error).toMatch(/^eval sandbox cannot start: .*cannot load/);
			expect(p.starts).toBeLessThanOrEqual(4);
		} finally {
			await p.stop();
		}
	});

	it('a malformed reply is not trusted', async () => {
		const p = new EvalPool({ workers: 1, url: pathToFileURL(join(dir, 'liar.mjs')) });
		try {
			expect(await p.evaluate(null, [])).toMatchObject({ status: 'DOWN', error: 'eval sandbox sent a malformed reply' });
		} finally {
			await p.stop();
		}
	});

	it('stop() resolves queued and running work DOWN, and the pool restarts on next use', async () => {
		const p = new EvalPool({ workers: 1, timeoutMs: 5000 });
		const running = p.evaluate(LOOP, []);
		const queued = p.evaluate(null, [ping('open', 1)]);
		await new Promise((r) => setTimeout(r, 150));
		await p.stop();
		expect(await running).toMatchObject({ status: 'DOWN', error: 'eval sandbox stopped' });
		expect(await queued).toMatchObject({ status: 'DOWN', error: 'eval sandbox stopped' });
		expect(p.threadIds).toEqual([]);
		expect(await p.evaluate(null, [ping('open', 2)])).toMatchObject({ status: 'UP', latency: 2 });
		await p.stop();
	});
});
