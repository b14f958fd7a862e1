// Memory bench for the whole app:
//   npm run build && npx tsx bench/memory.ts [--minutes 10] [--monitors 50] [--only embedded|postgres]
// Runs the built app as `npm start` does (`node server.js`, PORT on a free
// port, RATE_LIMIT at its default) with --monitors monitors x 3 hosts, cron
// every minute, from a MONITORS_FILE, against TCP listeners on 127.0.0.1 that
// the bench owns (bench/scale-listeners.js). Twice, one after the other:
//   - embedded: the default, on a fresh empty DATA_DIR in a temp folder, so the
//     first start (creating the database) is part of the run;
//   - postgres: DATABASE_URL on a scratch database of the local PostgreSQL
//     (the server's own processes are not Porthole's and are not counted).
// From /proc, every SAMPLE_MS (every 250 ms in the first 30 s, to catch the
// first start): PSS (smaps_rollup) summed over the app process and all its
// descendants (the embedded PostgreSQL server and its backends), and the peak
// RSS (VmHWM) of each of them. A page and the JSON are fetched every 10 s.
// At the end: checks written, the data folder's size (embedded; its pg_wal
// separately) or pg_database_size (postgres); then SIGTERM, and the app must
// stop with its server (no process left).
//
// Targets, for the embedded default: PSS at most 200 MB over the last minute
// and peak RSS at most 300 MB in any one process, first start included.
// Exit code 0 when both pass. A watchdog stops everything after the run's
// bound; temp folders, the scratch database and every child are removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, lstatSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { freePort } from '../tests/fixtures/net';
import { arg, gitState, lifetime, MIN, processTree as tree, say, sleep, startListeners, textArg, runBench } from './lib';

const MINUTES = arg('minutes', 10, 1, 120);
const N = arg('monitors', 50, 1, 5000);
const ONLY = textArg('only');
const HOSTS = 3;
const LISTENERS = 8;
const SAMPLE_MS = 5000;
const FAST_SAMPLE_MS = 250;
const FAST_PHASE_MS = 30_000;
const TARGET_PSS_MB = 200;
const TARGET_PEAK_MB = 300;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MB = (kb: number) => kb / 1024;

// ---- /proc ------------------------------------------------------------------
interface ProcMem {
	pid: number;
	name: string;
	pssKb: number;
	rssKb: number;
	hwmKb: number;
}

function procMem(pid: number): ProcMem | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const field = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
		const pss = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
		const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		// postgres names its processes by rewriting argv ("postgres: checkpointer").
		const name = cmd[0]?.startsWith('postgres:') ? cmd.join(' ') : (cmd[0] ?? '?').split('/').pop()!;
		return { pid, name, pssKb: pss, rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
	} catch {
		return null; // gone
	}
}

function duKb(path: string): number {
	let total = 0;
	const walk = (p: string) => {
		let st;
		try {
			st = lstatSync(p);
		} catch {
			return;
		}
		if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
		else total += st.blocks * 0.5;
	};
	walk(path);
	return total;
}

// ---- one run ----------------------------------------------------------------
interface RunResult {
	name: string;
	firstStartMs: number;
	samples: { t: number; pssKb: number; processes: number }[];
	/** Highest VmHWM seen per process (name → kB), and the overall peak. */
	peaks: Map<string, { pid: number; hwmKb: number }>;
	peakKb: number;
	pssEndKb: number;
	pssMaxKb: number;
	checks: number;
	storageKb: number;
	walKb: number | null;
	stoppedClean: boolean;
	leftover: number;
	errors: string[];
}

async function run(name: 'embedded' | 'postgres', ports: number[], life: ReturnType<typeof lifetime>): Promise<RunResult> {
	const dir = mkdtempSync(join(tmpdir(), `porthole-bench-memory-${name}-`));
	chmodSync(dir, 0o755); // as root, the embedded server runs as user postgres and must reach DATA_DIR
	life.defer(() => rmSync(dir, { recursive: true, force: true }));
	const monitorsFile = join(dir, 'monitors.json');
	writeFileSync(
		monitorsFile,
		JSON.stringify(
			Array.from({ length: N }, (_, i) => ({
				tag: `mem-${String(i).padStart(3, '0')}`,
				name: `Memory bench ${i}`,
				type: 'TCP',
				cron: '* * * * *',
				type_data: {
					hosts: Array.from({ length: HOSTS }, (_, j) => ({
						type: 'tcp',
						host: '127.0.0.1',
						port: ports[(i * HOSTS + j) % ports.length],
						timeout: 1000
					}))
				}
			}))
		)
	);
	const dataDir = join(dir, 'data');
	let dbUrl: string;
	let scratch: Awaited<ReturnType<typeof createScratchPostgres>> | null = null;
	if (name === 'postgres') {
		scratch = await createScratchPostgres();
		life.defer(() => scratch!.drop());
		dbUrl = scratch.url;
	} else {
		dbUrl = `postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(join(dataDir, 'postgres'))}`;
	}
	const port = await freePort();
	const env: Record<string, string | undefined> = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: `http://127.0.0.1:${port}`,
		MONITORS_FILE: monitorsFile,
		PROBE_WORKER: 'on',
		LOG_LEVEL: 'info',
		SITE_TIMEZONE: 'UTC'
	};
	delete env.RATE_LIMIT;
	delete env.ADMIN_EMAIL;
	delete env.ADMIN_PASSWORD;
	if (name === 'postgres') {
		env.DATABASE_URL = dbUrl;
		delete env.DATA_DIR;
	} else {
		env.DATA_DIR = dataDir;
		delete env.DATABASE_URL;
	}

	const errors: string[] = [];
	const started = Date.now();
	const app: ChildProcess = spawn(process.execPath, ['server.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	const pid = app.pid!;
	const exited = new Promise<void>((r) => app.once('exit', () => r()));
	life.defer(() => void (app.exitCode === null && app.signalCode === null && app.kill('SIGKILL')));
	const peaks = new Map<string, { pid: number; hwmKb: number }>();
	const samples: RunResult['samples'] = [];
	const sampleOnce = () => {
		let pss = 0;
		let n = 0;
		for (const p of tree(pid)) {
			const m = procMem(p);
			if (!m) continue;
			pss += m.pssKb;
			n++;
			const key = m.name.startsWith('postgres:') ? m.name : `${m.name} (${m.pid})`;
			const prev = peaks.get(key);
			if (!prev || m.hwmKb > prev.hwmKb) peaks.set(key, { pid: m.pid, hwmKb: m.hwmKb });
		}
		if (n) samples.push({ t: Date.now() - started, pssKb: pss, processes: n });
	};
	let sampling = true;
	const sampler = (async () => {
		while (sampling && app.exitCode === null) {
			sampleOnce();
			await sleep(Date.now() - started < FAST_PHASE_MS ? FAST_SAMPLE_MS : SAMPLE_MS);
		}
	})();

	const listening = new Promise<void>((resolve, reject) => {
		createInterface({ input: app.stdout! }).on('line', (line) => {
			if (/Listening on|database:|probe loop|monitors file|error/i.test(line)) console.log(`  [${name}] ${line}`);
			if (/Listening on/.test(line)) resolve();
		});
		void exited.then(() => reject(new Error(`${name}: app exited (${app.exitCode ?? app.signalCode}) before listening`)));
	});
	createInterface({ input: app.stderr! }).on('line', (line) => {
		if (errors.push(line) <= 10) console.log(`  [${name}!] ${line}`);
	});
	await Promise.race([listening, sleep(120_000).then(() => Promise.reject(new Error(`${name}: not listening after 120 s`)))]);
	const firstStartMs = Date.now() - started;
	say(`${name}: listening after ${(firstStartMs / 1000).toFixed(1)} s (pid ${pid}); running ${MINUTES} min`);

	// Light traffic, as a status page gets: the home page and the JSON every 10 s.
	const end = started + MINUTES * MIN;
	let lastLine = Date.now();
	while (Date.now() < end && app.exitCode === null) {
		for (const path of ['/', '/api/v1/monitors']) {
			try {
				const r = await fetch(`http://127.0.0.1:${port}${path}`);
				await r.arrayBuffer();
				if (!r.ok) errors.push(`GET ${path}: ${r.status}`);
			} catch (err) {
				errors.push(`GET ${path}: ${(err as Error).message}`);
			}
		}
		if (Date.now() - lastLine >= MIN) {
			lastLine = Date.now();
			const s = samples.at(-1);
			say(
				`${name}: ${((Date.now() - started) / MIN).toFixed(1)} min, PSS ${s ? MB(s.pssKb).toFixed(1) : '?'} MB over ${s?.processes ?? '?'} processes`
			);
		}
		await sleep(Math.min(10_000, end - Date.now()));
	}
	sampling = false;
	await sampler;
	sampleOnce();
	if (app.exitCode !== null) throw new Error(`${name}: app exited (${app.exitCode}) during the run`);

	// Rows written and storage, while it runs.
	const client = new pg.Client({ connectionString: dbUrl });
	await client.connect();
	let checks: number;
	let storageKb = 0;
	let walKb: number | null = null;
	try {
		// Raw rows and those already packed into hourly blocks (queries/compaction.ts).
		checks = Number(
			(await client.query('select (select count(*) from check_results) + coalesce((select sum(count) from check_blocks), 0) as n')).rows[0]
				.n
		);
		if (name === 'postgres') storageKb = Number((await client.query('select pg_database_size(current_database()) as b')).rows[0].b) / 1024;
		else walKb = Number((await client.query('select coalesce(sum(size), 0) as b from pg_ls_waldir()')).rows[0].b) / 1024;
	} finally {
		await client.end();
	}
	if (name === 'embedded') storageKb = duKb(dataDir);

	// Stop as a service manager would, and check that nothing is left behind.
	const family = new Map(tree(pid).map((p) => [p, procMem(p)?.name ?? '?']));
	app.kill('SIGTERM');
	const stoppedClean = await Promise.race([exited.then(() => app.exitCode === 0), sleep(45_000).then(() => false)]);
	// Same pid and same name: still the process that was part of the app (not a reused pid).
	const left = () => [...family].filter(([p, n]) => p !== pid && procMem(p)?.name === n);
	for (let i = 0; i < 50 && left().length; i++) await sleep(100);
	const leftover = left().length;
	say(
		`${name}: stopped (${app.exitCode ?? app.signalCode ?? 'still running'}), ${leftover} process(es) left${
			leftover
				? `: ${left()
						.map(([p, n]) => `${p} ${n}`)
						.join(', ')}`
				: ''
		}`
	);

	const lastMin = samples.filter((s) => s.t >= MINUTES * MIN - MIN);
	return {
		name,
		firstStartMs,
		samples,
		peaks,
		peakKb: Math.max(...[...peaks.values()].map((p) => p.hwmKb)),
		pssEndKb: Math.max(...lastMin.map((s) => s.pssKb)),
		pssMaxKb: Math.max(...samples.map((s) => s.pssKb)),
		checks,
		storageKb,
		walKb,
		stoppedClean,
		leftover,
		errors
	};
}

// ---- report -------------------------------------------------------------------
function report(runs: RunResult[]): boolean {
	const e = runs.find((r) => r.name === 'embedded');
	const p = runs.find((r) => r.name === 'postgres');
	const fmt = (v: number | null | undefined, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));
	const ratio = (a?: number | null, b?: number | null) => (a && b ? `${(a / b).toFixed(2)}x` : '–');
	const rows: [string, number | null | undefined, number | null | undefined, boolean][] = [
		['PSS, max over the last minute (MB)', e && MB(e.pssEndKb), p && MB(p.pssEndKb), true],
		['PSS, max over the run (MB)', e && MB(e.pssMaxKb), p && MB(p.pssMaxKb), true],
		['peak RSS of one process (MB)', e && MB(e.peakKb), p && MB(p.peakKb), true],
		['processes (last sample)', e?.samples.at(-1)?.processes, p?.samples.at(-1)?.processes, false],
		['first start to listening (s)', e && e.firstStartMs / 1000, p && p.firstStartMs / 1000, true],
		['checks written', e?.checks, p?.checks, false],
		['storage: data folder / pg_database_size (MB)', e && MB(e.storageKb), p && MB(p.storageKb), true],
		['  of which pg_wal (MB)', e?.walKb != null ? MB(e.walKb) : null, null, false]
	];
	console.log(`\n${'metric'.padEnd(46)} ${'embedded'.padStart(10)} ${'postgres'.padStart(10)} ${'ratio'.padStart(8)}`);
	for (const [label, a, b, r] of rows) {
		console.log(`${label.padEnd(46)} ${fmt(a).padStart(10)} ${fmt(b).padStart(10)} ${(r ? ratio(a, b) : '').padStart(8)}`);
	}
	for (const r of runs) {
		console.log(`\n${r.name}: peak RSS per process (MB)`);
		for (const [k, v] of [...r.peaks.entries()].sort((a, b) => b[1].hwmKb - a[1].hwmKb))
			console.log(`  ${MB(v.hwmKb).toFixed(1).padStart(7)}  ${k}`);
		console.log(
			`  stopped on SIGTERM: ${r.stoppedClean ? 'exit 0' : 'NOT cleanly'}, processes left: ${r.leftover}; stderr lines: ${r.errors.length}`
		);
	}
	const expected = N * MINUTES; // at most; the first and last minute are partial
	let ok = true;
	const line = (pass: boolean, text: string) => {
		ok &&= pass;
		console.log(`${pass ? 'PASS' : 'FAIL'}  ${text}`);
	};
	console.log('');
	for (const r of runs)
		line(r.checks >= N * (MINUTES - 2), `${r.name}: ${r.checks} checks written (about ${expected} expected for ${MINUTES} min)`);
	if (e) {
		line(
			MB(e.pssEndKb) <= TARGET_PSS_MB,
			`embedded: PSS after ${MINUTES} min ${MB(e.pssEndKb).toFixed(1)} MB <= ${TARGET_PSS_MB} MB (summed over ${e.samples.at(-1)?.processes} processes)`
		);
		line(
			MB(e.peakKb) <= TARGET_PEAK_MB,
			`embedded: peak RSS ${MB(e.peakKb).toFixed(1)} MB <= ${TARGET_PEAK_MB} MB in any process, first start on an empty folder included`
		);
		line(e.stoppedClean && e.leftover === 0, 'embedded: SIGTERM stops the app and its PostgreSQL server, nothing left running');
	}
	return ok;
}

async function main() {
	const life = lifetime('memory bench', (2 * MINUTES + 6) * MIN);
	console.log(
		`memory bench — Node ${process.version}, ${cpus().length} CPU(s), ${(totalmem() / 2 ** 30).toFixed(1)} GB; load ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`
	);
	console.log(`${N} monitors x ${HOSTS} hosts every minute, ${MINUTES} min per run; tree: ${gitState()}`);
	if (!existsSync(join(ROOT, 'build', 'handler.js'))) throw new Error('no build/: run `npm run build` first');
	console.log(`build/ from ${statSync(join(ROOT, 'build', 'handler.js')).mtime.toISOString()}\n`);
	try {
		const listeners = await startListeners(LISTENERS);
		life.defer(() => void listeners.child.kill());
		const runs: RunResult[] = [];
		for (const name of ['embedded', 'postgres'] as const) {
			if (ONLY && ONLY !== name) continue;
			runs.push(await run(name, listeners.ports, life));
		}
		return report(runs);
	} finally {
		await life.run();
	}
}

runBench(main);
