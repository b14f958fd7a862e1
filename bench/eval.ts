// Eval sandbox benchmark: `npx tsx bench/eval.ts`. Prints figures, no pass/fail.
//
// 1. Throughput of the default function, fresh QuickJS runtime + context per
//    evaluation: in-process runEval (one core), one worker, and the default
//    pool of two workers. Target: >= 1000 evaluations/s on one core.
// 2. Wall-clock cost of each hostile case with the default limits (1000 ms,
//    32 MB): in-process where the sandbox stops it itself, and through the
//    pool (where builtins that ignore the interrupt handler are terminated).

import { cpus } from 'node:os';
import { runEval } from '../src/lib/server/eval/run';
import { createEvalModule, moduleMemoryBytes } from '../src/lib/server/eval/module';
import { EvalPool } from '../src/lib/server/eval/sandbox';
import type { Ping } from '../src/lib/server/types';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const pings: Ping[] = [
	{ status: 'open', latency: 12.5, host: 'db-1.example.com', port: 5432, type: 'tcp' },
	{ status: 'open', latency: 14.1, host: 'db-2.example.com', port: 5432, type: 'tcp' },
	{ status: 'open', latency: 11.8, host: 'db-3.example.com', port: 5432, type: 'tcp' }
];

const HOSTILE: [string, string, boolean][] = [
	// [name, source, stoppable in-process (the interrupt handler or memory cap sees it)]
	['infinite loop', '(function () { while (true) {} })', true],
	['async loop (await null)', '(async function () { while (true) await null })', true],
	['never-settling promise', '(function () { return new Promise(() => {}) })', true],
	['memory bomb (push 1e6 arrays)', '(function () { let a = []; while (true) a.push(new Array(1e6).fill(1)) })', true],
	['new Array(1e9).fill(0)', '(function () { new Array(1e9).fill(0) })', true],
	['string doubling', '(function () { let s = "x"; while (true) s = s + s })', true],
	['deep recursion', '(function f() { return f() + 1 })', true],
	['JSON.parse 1e5 nested [', '(function () { return JSON.parse("[".repeat(1e5)) })', true],
	['20 MB junk in result', "(function () { return { status: 'UP', latency: 1, junk: 'x'.repeat(2e7) } })", true],
	['20 MB status string', "(function () { return { status: 'x'.repeat(2e7), latency: 1 } })", true],
	['syntax error', '(function () { return {,} })', true],
	['throws', '(function () { null.x })', true],
	['indexOf on length 2**53-1', '(function () { Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1) })', false],
	['some() on length 2**53-1', '(function () { Array.prototype.some.call({ length: 2 ** 53 - 1 }, (x) => x) })', false]
];

function fmt(n: number, digits = 0) {
	return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main() {
	console.log(`eval sandbox bench — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})\n`);

	// In-process, one core.
	const Q = await createEvalModule();
	for (let i = 0; i < 300; i++) runEval(Q, null, pings); // warm up (WASM tier-up)
	let n = 0;
	const t0 = performance.now();
	while (performance.now() - t0 < SECONDS * 1000) {
		runEval(Q, null, pings);
		n++;
	}
	const direct = n / ((performance.now() - t0) / 1000);
	console.log(`default function, fresh runtime per evaluation:`);
	console.log(`  runEval in-process (1 core)      ${fmt(direct).padStart(7)} evals/s  (${fmt(1000 / direct, 3)} ms each)`);

	for (const workers of [1, 2]) {
		const pool = new EvalPool({ workers });
		await pool.evaluate(null, pings); // start the workers
		for (let i = 0; i < 300; i++) await pool.evaluate(null, pings);
		// Sequential: one evaluation in flight (round-trip latency bound).
		let seq = 0;
		const t1 = performance.now();
		while (performance.now() - t1 < SECONDS * 500) {
			await pool.evaluate(null, pings);
			seq++;
		}
		const seqRate = seq / ((performance.now() - t1) / 1000);
		// Pipelined: keep the queue full.
		const batch = 4000;
		const t2 = performance.now();
		const results = await Promise.all(Array.from({ length: batch }, () => pool.evaluate(null, pings)));
		const pipeRate = batch / ((performance.now() - t2) / 1000);
		const ok = results.every((r) => r.status === 'UP');
		const durs = results.map((r) => r.durationMs).sort((a, b) => a - b);
		console.log(`  pool, ${workers} worker${workers > 1 ? 's' : ' '}, sequential      ${fmt(seqRate).padStart(7)} evals/s`);
		console.log(
			`  pool, ${workers} worker${workers > 1 ? 's' : ' '}, queue full      ${fmt(pipeRate).padStart(7)} evals/s  (durationMs p50 ${fmt(durs[batch >> 1], 2)}, p99 ${fmt(durs[Math.floor(batch * 0.99)], 2)}; all UP: ${ok})`
		);
		await pool.stop();
	}

	console.log(`\nhostile cases, default limits (1000 ms, 32 MB), wall ms per evaluation:`);
	console.log(`  ${'case'.padEnd(32)} ${'in-process'.padStart(10)} ${'pool'.padStart(8)}  result (pool)`);
	const pool = new EvalPool({ workers: 1 });
	await pool.evaluate(null, pings);
	for (const [name, source, inProcess] of HOSTILE) {
		let direct = '-';
		if (inProcess) {
			const s = performance.now();
			runEval(Q, source, pings);
			direct = fmt(performance.now() - s, 1);
		}
		const s = performance.now();
		const r = await pool.evaluate(source, pings);
		const wall = performance.now() - s;
		// How long until the pool answers a healthy evaluation again.
		const s2 = performance.now();
		const next = await pool.evaluate(null, pings);
		const recover = performance.now() - s2;
		console.log(
			`  ${name.padEnd(32)} ${direct.padStart(10)} ${fmt(wall, 1).padStart(8)}  ${r.status} ${r.error ?? ''}` +
				(next.status !== 'UP' || recover > 50 ? `  [next healthy eval: ${fmt(recover, 1)} ms, ${next.status}]` : '')
		);
	}
	console.log(`\n  workers started: ${pool.starts}, terminated by the watchdog: ${pool.terminations}`);
	console.log(`  in-process module linear memory after all cases: ${fmt(moduleMemoryBytes(Q) / 2 ** 20, 1)} MiB`);
	await pool.stop();
}

await main();
