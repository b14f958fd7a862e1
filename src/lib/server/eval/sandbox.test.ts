import { describe, it, expect, afterAll } from 'vitest';
import { EvalSandbox } from './sandbox';
import { checkResult } from './replies';
import { DEFAULT_EVAL } from './default';
import type { Ping } from '../types';

function ping(status: Ping['status'], latency: number): Ping {
	return { status, latency, host: 'h', port: 6379, type: 'tcp' };
}
const LOOP = '(function () { while (true) {} })';
const BOMB = '(function () { let a = []; while (true) a.push(new Array(1e6).fill(1)) })';

const sandbox = new EvalSandbox();
const { evaluate, checkSyntax } = sandbox;

afterAll(() => sandbox.stop());

describe('EvalSandbox (the lanes the app owns)', () => {
	it('evaluate, checkSyntax, configure, stop', async () => {
		sandbox.configure({ workers: 1, timeoutMs: 400, memoryMb: 24, quarantineWorkers: 1 });
		const lanes = sandbox.lanes;
		expect(lanes.config).toMatchObject({ workers: 1, timeoutMs: 400, memoryMb: 24, quarantineWorkers: 1 });
		// The default function as text: null runs natively (default.test.ts), not in a lane.
		expect(await evaluate(DEFAULT_EVAL, [ping('open', 8), ping('open', 12)])).toMatchObject({ status: 'UP', latency: 10 });
		// Overruns the main lane's short limit, then gets the full limit in quarantine.
		expect(await evaluate(LOOP, [], { key: 'loop' })).toMatchObject({
			error: expect.stringMatching(/^eval timed out after 400 ms/),
			fault: 'time'
		});
		expect(lanes.isSuspect(LOOP, 'loop')).toBe(true);
		expect((await evaluate(LOOP, [], { key: 'loop', timeoutMs: 200 })).error).toMatch(/^eval timed out after 200 ms/);
		expect((await evaluate(BOMB, [], { timeoutMs: 5000 })).error).toBe('eval ran out of memory (limit 24 MB)');
		expect(await checkSyntax('(p) => ({ status: "UP", latency: 1 })')).toEqual({ ok: true });
		// Probation keeps a started spare thread beside its workers; the default function has a clean run: main lane.
		expect(lanes.probation.threadIds).toHaveLength(2);
		expect(lanes.main.threadIds).toHaveLength(0);
		expect(lanes.quarantine.threadIds).toHaveLength(1);
		sandbox.configure({ workers: 2 });
		expect(await evaluate(DEFAULT_EVAL, [ping('open', 1)])).toMatchObject({ status: 'UP' });
		expect(lanes.main.threadIds).toHaveLength(2);
		expect(lanes.probation.threadIds).toHaveLength(3);
		await sandbox.stop();
		expect([...lanes.main.threadIds, ...lanes.probation.threadIds, ...lanes.quarantine.threadIds]).toEqual([]);
		sandbox.configure({ workers: 2, timeoutMs: 1000, memoryMb: 32 });
	});
});

describe('the default function (null)', () => {
	it('runs natively when that is the sandbox answer, in the sandbox otherwise', async () => {
		const before = sandbox.lanes.probation.accepted + sandbox.lanes.main.accepted;
		expect(await evaluate(null, [ping('open', 8), ping('timeout', 12)])).toMatchObject({ status: 'DOWN', latency: 10 });
		expect(sandbox.lanes.probation.accepted + sandbox.lanes.main.accepted).toBe(before);
		// No pings: latency NaN, which only the sandbox words.
		const r = await evaluate(null, []);
		expect(r).toMatchObject({ status: 'DOWN', latency: 0, error: 'eval returned latency NaN; expected a finite number' });
		expect(sandbox.lanes.probation.accepted + sandbox.lanes.main.accepted).toBe(before + 1);
	});
});

describe('absurd latencies through the worker', () => {
	it('are DOWN with the cause named, and a reply carrying one is not trusted', async () => {
		for (const [v, shown] of [
			['1.5e308', '1.5e+308'],
			['-1', '-1'],
			['3600001', '3600001']
		]) {
			const r = await evaluate(`(function () { return { status: "UP", latency: ${v} } })`, [ping('open', 1)]);
			expect(r).toMatchObject({ status: 'DOWN', latency: 0, error: `eval returned latency ${shown} ms: must be 0-3600000` });
		}
		expect(checkResult({ status: 'UP', latency: 1.5e308 }, 1)).toMatchObject({
			status: 'DOWN',
			latency: 0,
			error: 'eval sandbox sent a malformed reply'
		});
		expect(checkResult({ status: 'UP', latency: -1 }, 1)).toMatchObject({ status: 'DOWN', error: 'eval sandbox sent a malformed reply' });
		expect(checkResult({ status: 'UP', latency: 3_600_000 }, 1)).toMatchObject({ status: 'UP', latency: 3_600_000 });
	});
});
