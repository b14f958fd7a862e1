// Probe accuracy benchmark: `npx tsx bench/probe-accuracy.ts [options]`.
// Prints figures, no pass/fail.
//
// How far does Porthole's measured loopback connect latency sit from a bare
// `net.connect` + process.hrtime.bigint() loop against the same listener?
//
//   bare        hrtime before net.connect() → 'connect' event (the reference)
//   bare@attempt  the same socket, clock started at its 'connectionAttempt'
//               event (right before connect(2)), as probeHost does
//   probeHost   ping.latency from probeHost(), same process and thread
//   probeHost⏱  wall time around `await probeHost()` (what a caller waits)
//   pool        ping.latency from the probe worker thread (pool.ts → worker.ts)
//   pool⏱       wall time around `await probe()` from the main thread (round trip)
//
// N samples of each, interleaved (the order rotates every iteration), after a
// warm-up; first idle, then while another process loads the CPU. The listener
// runs in its own child process, so accepting does not compete with the
// measuring thread.
//
// Options (also as env BENCH_N, BENCH_LOAD, BENCH_MAX_SECONDS):
//   --n 2000              samples per series and phase
//   --load "<command>"    shell command that generates load (default: a Node
//                         child running an HTTP server and a tight keep-alive
//                         client loop against it on 127.0.0.1); e.g. later
//                         --load "npx autocannon -d 3600 http://127.0.0.1:5173/"
//   --load-procs 1        how many load processes
//   --max-seconds 180     hard bound: the run stops (and cleans up) by then

import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { probeHost } from '../src/lib/server/probe/tcp';
import { ProbeWorker } from '../src/lib/server/probe/pool';

const probeWorker = new ProbeWorker();
import type { Host } from '../src/lib/server/types';

const { values: opts } = parseArgs({
	options: {
		n: { type: 'string', default: process.env.BENCH_N ?? '2000' },
		load: { type: 'string', default: process.env.BENCH_LOAD ?? '' },
		'load-procs': { type: 'string', default: '1' },
		'max-seconds': { type: 'string', default: process.env.BENCH_MAX_SECONDS ?? '180' }
	}
});
const N = Math.max(1, Number(opts.n));
const LOAD_PROCS = Math.max(1, Number(opts['load-procs']));
const MAX_SECONDS = Math.max(5, Number(opts['max-seconds']));
const WARMUP = 200;

const children = new Set<ChildProcess>();
function killChildren() {
	for (const c of children) {
		if (c.exitCode === null && c.signalCode === null && c.pid) {
			// detached children lead their own process group: end the group (the
			// shell and whatever it started), by id
			try {
				process.kill(-c.pid, 'SIGTERM');
			} catch {
				c.kill('SIGTERM');
			}
		}
	}
}
process.on('exit', killChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
	process.on(sig, () => {
		killChildren();
		process.exit(130);
	});
}
const started = Date.now();
const deadline = setTimeout(() => {
	console.error(`\nstopping: --max-seconds ${MAX_SECONDS} reached`);
	killChildren();
	process.exit(2);
}, MAX_SECONDS * 1000);

function timeLeft() {
	return MAX_SECONDS * 1000 - (Date.now() - started);
}

// ── fixtures ────────────────────────────────────────────────────────────────

const LISTENER_SRC = `
	const net = require('node:net');
	const server = net.createServer((s) => { s.on('error', () => {}); s.destroy(); });
	server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send(server.address().port));
	process.on('disconnect', () => process.exit(0));`;

// Default load: HTTP server + tight keep-alive client loop in one process
// (about one core), reporting requests per second over IPC.
const LOAD_SRC = `
	const http = require('node:http');
	const body = Buffer.alloc(2048, 'x');
	const server = http.createServer((req, res) => { res.end(body); });
	server.listen(0, '127.0.0.1', () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
		const port = server.address().port;
		let count = 0;
		let cpu = process.cpuUsage();
		const loop = () => {
			http.get({ host: '127.0.0.1', port, path: '/', agent, noDelay: true }, (res) => {
				res.resume();
				res.on('end', () => { count++; loop(); });
			}).on('error', () => setTimeout(loop, 10));
		};
		for (let i = 0; i < 16; i++) loop();
		setInterval(() => {
			const used = process.cpuUsage(cpu);
			cpu = process.cpuUsage();
			process.send && process.send([count, (used.user + used.system) / 1e6]);
			count = 0;
		}, 1000);
	});
	process.on('disconnect', () => process.exit(0));`;

async function startListener(): Promise<number> {
	const child = spawn(process.execPath, ['-e', LISTENER_SRC], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		detached: true
	});
	children.add(child);
	const [port] = (await once(child, 'message')) as [number];
	return port;
}

interface Load {
	/** [requests, CPU seconds] per second, per process (default load only) */
	rates: Array<[number, number]>;
	stop(): Promise<void>;
}

async function startLoad(): Promise<Load> {
	const rates: Array<[number, number]> = [];
	const procs: ChildProcess[] = [];
	for (let i = 0; i < LOAD_PROCS; i++) {
		const child = opts.load
			? spawn(opts.load, { shell: true, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
			: spawn(process.execPath, ['-e', LOAD_SRC], {
					stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
					detached: true
				});
		children.add(child);
		procs.push(child);
		child.on('message', (m) => rates.push(m as [number, number]));
	}
	await new Promise((r) => setTimeout(r, 1500)); // let it reach full speed
	return {
		rates,
		async stop() {
			for (const c of procs) {
				if (c.exitCode === null && c.signalCode === null && c.pid) {
					const gone = once(c, 'exit');
					try {
						process.kill(-c.pid, 'SIGTERM');
					} catch {
						c.kill('SIGTERM');
					}
					await gone;
				}
				children.delete(c);
			}
		}
	};
}

// ── measurements ────────────────────────────────────────────────────────────

/** [ms from before net.connect(), ms from 'connectionAttempt'] to 'connect' */
function bareConnect(port: number): Promise<[number, number]> {
	return new Promise((resolve, reject) => {
		let tAttempt = 0n;
		const t0 = process.hrtime.bigint();
		const s = net.connect({ host: '127.0.0.1', port, family: 4, autoSelectFamily: false }, () => {
			const t1 = process.hrtime.bigint();
			s.destroy();
			resolve([Number(t1 - t0) / 1e6, Number(t1 - tAttempt) / 1e6]);
		});
		s.on('connectionAttempt', () => {
			tAttempt = process.hrtime.bigint();
		});
		s.on('error', reject);
	});
}

type Series = 'bare' | 'bare@attempt' | 'probeHost' | 'probeHost⏱' | 'pool' | 'pool⏱';
const SERIES: Series[] = ['bare', 'bare@attempt', 'probeHost', 'probeHost⏱', 'pool', 'pool⏱'];

/** Time kept back for start-up of the load and for cleanup. */
const RESERVE_MS = 6_000;

async function phase(port: number, n: number, budgetMs: number): Promise<Record<Series, number[]>> {
	const phaseEnd = Date.now() + budgetMs;
	const host: Host = { type: 'tcp', host: '127.0.0.1', port, timeout: 1000 };
	const out = Object.fromEntries(SERIES.map((s) => [s, [] as number[]])) as Record<Series, number[]>;
	const steps: Array<(keep: boolean) => Promise<void>> = [
		async (keep) => {
			const [ms, fromAttempt] = await bareConnect(port);
			if (keep) {
				out.bare.push(ms);
				out['bare@attempt'].push(fromAttempt);
			}
		},
		async (keep) => {
			const t0 = process.hrtime.bigint();
			const ping = await probeHost(host);
			const wall = Number(process.hrtime.bigint() - t0) / 1e6;
			if (ping.status !== 'open') throw new Error(`probeHost: ${ping.error}`);
			if (keep) {
				out.probeHost.push(ping.latency);
				out['probeHost⏱'].push(wall);
			}
		},
		async (keep) => {
			const t0 = process.hrtime.bigint();
			const [ping] = await probeWorker.probe([host]);
			const wall = Number(process.hrtime.bigint() - t0) / 1e6;
			if (ping.status !== 'open') throw new Error(`pool: ${ping.error}`);
			if (keep) {
				out.pool.push(ping.latency);
				out['pool⏱'].push(wall);
			}
		}
	];
	for (let i = 0; i < WARMUP + n; i++) {
		if (i % 100 === 0 && Date.now() > phaseEnd) {
			console.log(`  (time bound: stopping this phase after ${Math.max(0, i - WARMUP)} samples)`);
			break;
		}
		for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length](i >= WARMUP);
	}
	return out;
}

// ── report ──────────────────────────────────────────────────────────────────

function quantile(sorted: number[], q: number) {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summarize(values: number[]) {
	const s = [...values].sort((a, b) => a - b);
	return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const sign = (x: number) => (x >= 0 ? '+' : '') + f3(x);

function report(title: string, data: Record<Series, number[]>) {
	console.log(`\n${title}`);
	const stats = Object.fromEntries(SERIES.map((s) => [s, summarize(data[s])])) as Record<Series, ReturnType<typeof summarize>>;
	const b = stats.bare;
	console.log(
		`  ${'series'.padEnd(12)} ${'n'.padStart(5)} ${'median ms'.padStart(10)} ${'p99 ms'.padStart(9)} ${'mean ms'.padStart(9)}   ${'Δmedian'.padStart(8)} ${'Δp99'.padStart(8)}  ${'×median'.padStart(7)} ${'×p99'.padStart(6)}`
	);
	for (const s of SERIES) {
		const x = stats[s];
		const rel =
			s === 'bare'
				? ''
				: `   ${sign(x.median - b.median).padStart(8)} ${sign(x.p99 - b.p99).padStart(8)}  ${(x.median / b.median).toFixed(2).padStart(7)} ${(x.p99 / b.p99).toFixed(2).padStart(6)}`;
		console.log(
			`  ${s.padEnd(12)} ${String(x.n).padStart(5)} ${f3(x.median).padStart(10)} ${f3(x.p99).padStart(9)} ${f3(x.mean).padStart(9)}${rel}`
		);
	}
}

async function main() {
	console.log(
		`probe accuracy: N=${N} per series and phase (+${WARMUP} warm-up), loopback 127.0.0.1, ` +
			`node ${process.version}, ${cpus().length} CPUs, max ${MAX_SECONDS} s`
	);
	const port = await startListener();
	probeWorker.start();

	const idle = await phase(port, N, (timeLeft() - RESERVE_MS) / 2);
	report('idle', idle);

	const load = await startLoad();
	console.log(`\nload: ${opts.load ? JSON.stringify(opts.load) : 'node HTTP server + 16-way keep-alive client loop'} × ${LOAD_PROCS}`);
	const from = load.rates.length; // reports from the warm-up second(s) are left out
	const busy = await phase(port, N, timeLeft() - RESERVE_MS);
	const rates = load.rates.slice(from);
	await load.stop();
	report('under load', busy);
	if (rates.length) {
		const req = rates.reduce((a, [r]) => a + r, 0) / rates.length;
		const cpu = rates.reduce((a, [, c]) => a + c, 0) / rates.length;
		console.log(`  (load generator, per process: ~${Math.round(req)} HTTP requests/s, ~${Math.round(cpu * 100)}% of a core)`);
	}
	console.log(
		'\nΔ = series − bare, × = series / bare. "probeHost" and "pool" start the latency clock at\n' +
			'the socket\'s \'connectionAttempt\' (right before connect(2)), like "bare@attempt"; "bare"\n' +
			'starts it before net.connect(), so it also counts socket construction and one tick.\n' +
			"Compare probeHost with bare@attempt for the probe's own overhead."
	);

	await probeWorker.stop();
	clearTimeout(deadline);
	killChildren();
	console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
	console.error(err);
	killChildren();
	process.exit(1);
});
