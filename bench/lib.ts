// Pieces shared by the probe-loop benches (bench/scale.ts, bench/soak.ts):
// argument parsing, clock helpers, /proc readers, the listeners child, and a
// cleanup stack with a watchdog so a bench always stops by itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateMonitor, type MonitorInput } from '../src/lib/server/monitors/validate';
import type { Host } from '../src/lib/server/types';

// ---- arguments ------------------------------------------------------------
/** An integer option `--name n` in [min, max]; exits with a message otherwise. */
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

// ---- time -----------------------------------------------------------------
export const MIN = 60_000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
export const sleepUntil = (t: number) => sleep(t - Date.now());
/** HH:MM:SS (UTC) of an epoch ms. */
export const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
export const say = (msg: string) => console.log(`${clock(Date.now())}  ${msg}`);

// ---- Linux /proc (informational figures; null elsewhere) -------------------
let CLK_TCK = 100;
try {
	CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
	// no getconf: keep the usual 100
}

/** utime + stime of a process or thread (path to its stat file), in ms, or null when unreadable. */
export function procCpuMs(path: string): number | null {
	try {
		const s = readFileSync(path, 'utf8');
		const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
		return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
	} catch {
		return null;
	}
}

/** utime + stime of a process and of its children that exited and were waited for, in ms, or null when unreadable. */
function procTreeCpuMs(pid: number): number | null {
	try {
		const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
		return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / CLK_TCK;
	} catch {
		return null;
	}
}

function ppidOf(pid: number): number | null {
	try {
		const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return null;
	}
}

/** pid and all its descendants, by walking /proc's parent links. */
export function processTree(root: number): number[] {
	const children = new Map<number, number[]>();
	for (const e of readdirSync('/proc')) {
		const pid = Number(e);
		if (!Number.isInteger(pid)) continue;
		const pp = ppidOf(pid);
		if (pp !== null) children.set(pp, [...(children.get(pp) ?? []), pid]);
	}
	const out: number[] = [];
	const walk = (p: number) => {
		out.push(p);
		for (const c of children.get(p) ?? []) walk(c);
	};
	if (existsSync(`/proc/${root}`)) walk(root);
	return out;
}

/**
 * CPU of everything a process runs (its threads, and its child processes such
 * as the embedded PostgreSQL server and its backends), in ms, or null once the
 * process is gone. Children that exited count through their parent's cutime.
 */
export function treeCpuMs(root: number): number | null {
	if (procTreeCpuMs(root) === null) return null;
	return processTree(root).reduce((sum, pid) => sum + (procTreeCpuMs(pid) ?? 0), 0);
}

export interface ProcSample {
	/** VmRSS and VmHWM (peak RSS), in KiB. */
	rssKb: number;
	hwmKb: number;
	threads: number;
	/** Open file descriptors, and how many of them are sockets. */
	fds: number;
	sockets: number;
	/** utime + stime so far, ms. */
	cpuMs: number;
}

/** Memory, threads, descriptors and CPU of another process, from /proc; null once it is gone. */
export function sampleProcess(pid: number): ProcSample | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const field = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
		let fds = 0;
		let sockets = 0;
		for (const fd of readdirSync(`/proc/${pid}/fd`)) {
			fds++;
			try {
				if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
			} catch {
				// closed between readdir and readlink
			}
		}
		return {
			rssKb: field('VmRSS'),
			hwmKb: field('VmHWM'),
			threads: field('Threads'),
			fds,
			sockets,
			cpuMs: procCpuMs(`/proc/${pid}/stat`) ?? NaN
		};
	} catch {
		return null;
	}
}

// ---- listeners child --------------------------------------------------------
/** A flapping listener change: begun at start, complete at at; open = the state after it. */
export interface Toggle {
	start: number;
	at: number;
	open: boolean;
}

/**
 * Starts bench/scale-listeners.js: `n` listeners on 127.0.0.1 in their own
 * process. With flapMs, they close and reopen (same ports) every flapMs.
 */
export function startListeners(n: number, flapMs?: number): Promise<{ child: ChildProcess; ports: number[] }> {
	const file = fileURLToPath(new URL('./scale-listeners.js', import.meta.url));
	const args = [file, String(n), ...(flapMs ? [String(flapMs)] : [])];
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	return new Promise((resolve, reject) => {
		const failed = (code: number | null) => reject(new Error(`listeners exited with ${code}`));
		child.once('error', reject);
		child.once('exit', failed);
		child.once('message', (m: { ports: number[] }) => {
			child.off('exit', failed);
			resolve({ child, ports: m.ports });
		});
	});
}

/** Accepts so far, CPU ms, and (flapping listeners) every open/close with its time. */
export function childStats(child: ChildProcess): Promise<{ accepts: number; cpuMs: number; toggles: Toggle[] }> {
	return new Promise((resolve) => {
		const t = setTimeout(() => resolve({ accepts: NaN, cpuMs: NaN, toggles: [] }), 2000);
		child.once('message', (m: { accepts: number; cpu: NodeJS.CpuUsage; toggles: Toggle[] }) => {
			clearTimeout(t);
			resolve({ accepts: m.accepts, cpuMs: (m.cpu.user + m.cpu.system) / 1000, toggles: m.toggles });
		});
		child.send('stats');
	});
}

// ---- fixtures -------------------------------------------------------------
/** A validated TCP monitor: every minute with the default eval unless told otherwise. */
export function tcpMonitor(tag: string, hosts: Host[], active: boolean, opts: { cron?: string; eval?: string | null } = {}): MonitorInput {
	const r = validateMonitor({
		tag,
		name: tag,
		type: 'TCP',
		type_data: { hosts },
		cron: opts.cron ?? '* * * * *',
		active,
		eval: opts.eval ?? null
	});
	if (!r.ok) throw new Error(`bad fixture ${tag}: ${JSON.stringify(r.errors)}`);
	return r.value;
}

// ---- reporting and lifetime -----------------------------------------------
/** The commit measured, and whether src/ had uncommitted changes. */
export function gitState(): string {
	try {
		const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
			.toString()
			.trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { stdio: ['ignore', 'pipe', 'ignore'] })
			.toString()
			.trim();
		return dirty ? `${head} + ${dirty.split('\n').length} uncommitted path(s) under src/` : head;
	} catch {
		return 'unknown (not a git checkout)';
	}
}

/**
 * A stack of cleanups, run in reverse on the normal end, on Ctrl-C, or when
 * the watchdog fires after boundMs (then the process exits with code 3).
 */
export function lifetime(name: string, boundMs: number) {
	const steps: (() => Promise<unknown> | void)[] = [];
	const run = async () => {
		for (const f of steps.splice(0).reverse()) await Promise.resolve(f()).catch((e) => console.error('cleanup:', e));
	};
	const watchdog = setTimeout(() => {
		console.error(`${name}: still running after ${(boundMs / MIN).toFixed(1)} min; giving up`);
		void run().finally(() => process.exit(3));
	}, boundMs);
	watchdog.unref();
	process.once('SIGINT', () => void run().finally(() => process.exit(130)));
	return { defer: (...f: (() => Promise<unknown> | void)[]) => steps.push(...f), run };
}

/**
 * Runs a bench's main and exits: 0 when it returns true (or nothing), 1 when
 * it returns false (a target missed) or throws. The exit is explicit because
 * pools, sockets and timers a failed run left behind would keep Node alive.
 */
export function runBench(main: () => Promise<boolean | void>): void {
	main().then(
		(ok) => process.exit(ok === false ? 1 : 0),
		(err) => {
			console.error(err);
			process.exit(1);
		}
	);
}
