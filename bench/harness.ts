// Pieces shared by the probe-loop benches (scale.ts, hostile.ts): argument
// parsing, clock helpers, per-thread CPU from /proc, the listeners child,
// a probe wrapper that notes when each probe started, the loop's warnings
// counted and timed, and the commit measured.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { probe } from '../src/lib/server/probe/pool';
import { createLogger, type Logger } from '../src/lib/server/log';
import type { CheckEvent } from '../src/lib/server/probe/scheduler';
import type { Slim } from './scale-report';

// ---- arguments ------------------------------------------------------------
/** `--name <integer>` from the command line, checked (exit 2 with a message if bad). */
export function arg(name: string, fallback: number, min: number, max: number): number {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0) return fallback;
	const n = Number(process.argv[i + 1]);
	if (!Number.isInteger(n) || n < min || n > max) {
		console.error(`--${name} must be an integer ${min}-${max}, got ${JSON.stringify(process.argv[i + 1])}`);
		process.exit(2);
	}
	return n;
}

/** `--name <text>` from the command line, or undefined (exit 2 if the value is missing). */
export function textArg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0) return undefined;
	const v = process.argv[i + 1];
	if (!v || v.startsWith('--')) {
		console.error(`--${name} needs a value`);
		process.exit(2);
	}
	return v;
}

// ---- small helpers --------------------------------------------------------
export const MIN = 60_000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
export const sleepUntil = (t: number) => sleep(t - Date.now());
export const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
export const say = (msg: string) => console.log(`${clock(Date.now())}  ${msg}`);

// Linux /proc figures (informational; absent elsewhere).
let CLK_TCK = 100;
try {
	CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {}
/** utime + stime of a process or thread, in ms, or null when unreadable. */
export function procCpuMs(path: string): number | null {
	try {
		const s = readFileSync(path, 'utf8');
		const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
		return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
	} catch {
		return null;
	}
}

// ---- listeners child ------------------------------------------------------
/** n TCP listeners on 127.0.0.1 in a child process (bench/scale-listeners.js), so their work is not counted. */
export function startListeners(n: number): Promise<{ child: ChildProcess; ports: number[] }> {
	const file = fileURLToPath(new URL('./scale-listeners.js', import.meta.url));
	const child = spawn(process.execPath, [file, String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code) => reject(new Error(`listeners exited with ${code}`)));
		child.once('message', (m: { ports: number[] }) => resolve({ child, ports: m.ports }));
	});
}
export function childStats(child: ChildProcess): Promise<{ accepts: number; cpuMs: number }> {
	return new Promise((resolve) => {
		const t = setTimeout(() => resolve({ accepts: NaN, cpuMs: NaN }), 2000);
		child.once('message', (m: { accepts: number; cpu: NodeJS.CpuUsage }) => {
			clearTimeout(t);
			resolve({ accepts: m.accepts, cpuMs: (m.cpu.user + m.cpu.system) / 1000 });
		});
		child.send('stats');
	});
}

// ---- probe start times ----------------------------------------------------
// The scheduler's startedAt is taken before its slot claim (a database round
// trip); the probe itself starts after it. This wrapper notes when probe() was
// called, keyed by the pings array it returns (runCheck hands that very array
// to onCheck), so lateness can be measured to the probe's start as well.
const probeCalledAt = new WeakMap<object, number>();
export const timedProbe: typeof probe = async (hosts) => {
	const t = Date.now();
	const pings = await probe(hosts);
	probeCalledAt.set(pings, t);
	return pings;
};

/** What a bench keeps of one CheckEvent. */
export const slim = (e: CheckEvent): Slim => ({
	monitorId: e.monitorId,
	slot: e.slot.getTime(),
	due: e.due,
	startedAt: e.startedAt,
	probeAt: probeCalledAt.get(e.outcome.pings) ?? e.startedAt,
	finishedAt: e.finishedAt,
	latencies: e.outcome.pings.filter((p) => p.status === 'open').map((p) => p.latency),
	notOpen: e.outcome.pings.filter((p) => p.status !== 'open').length,
	checkLatency: e.outcome.result.latency,
	status: e.outcome.result.status,
	probeMs: e.outcome.probeMs,
	evalMs: e.outcome.evalMs,
	written: e.written,
	buffered: e.buffered
});

// ---- the loop's warnings --------------------------------------------------
/** A logger that prints the first `printed` warnings/errors and notes when every one came. */
export function countingLogger(scope: string, printed = 10): Logger & { times: number[] } {
	const base = createLogger('warn', scope);
	const times: number[] = [];
	const noted = (f: Logger['warn']) => (m: string, x?: Record<string, unknown>) => {
		if (times.push(Date.now()) <= printed) f(m, x);
	};
	return { times, debug() {}, info() {}, warn: noted(base.warn), error: noted(base.error) };
}

/** The commit measured, and whether src/ had uncommitted changes. */
export function gitState(): string {
	try {
		const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
		return dirty ? `${head} + ${dirty.split('\n').length} uncommitted path(s) under src/` : head;
	} catch {
		return 'unknown (not a git checkout)';
	}
}
