// Soak bench for the probe loop:
//   npx tsx bench/soak.ts [--minutes 10] [--monitors 1000] [--warmup 2]
// Takes --minutes plus up to two minutes (setup, the wait for a whole minute,
// the tail); a watchdog bounds it. Prints figures and PASS/FAIL lines; exit
// code 0 when every target passes, 1 otherwise.
//
// The target: 1,000 monitors x 3 hosts against local listeners, some
// flapping, for 10 minutes; RSS and open file descriptors every minute with
// growth after warm-up under 10%, slot lateness p99, and rows written equal to
// rows expected.
//
// Everything real: `npm run worker` (src/worker.ts under tsx, as its own
// process, the one measured) on a scratch database of the local Postgres,
// monitors with cron '* * * * *' and the default eval. Listeners on 127.0.0.1
// only, in child processes (bench/scale-listeners.js): one steady, one whose
// listeners close and reopen every FLAP_MS, which every 20th monitor (5%)
// points at, so those monitors go DOWN and UP and status_changes rows are written.
//
// The run's minutes are whole clock minutes from the first one after the worker
// started: --warmup of them are warm-up, the rest are measured. Checks of the
// measured slots are counted per slot; growth compares the median of the
// warm-up's last minute with the median of the run's last minute.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { asc, count, eq, sql } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/index';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { upsertMonitors } from '../src/lib/server/db/queries/monitors';
import { checks, monitors, statusChanges } from '../src/lib/server/db/schema';
import { defaultSpreadMs, startOffsetMs } from '../src/lib/server/probe/spread';
import type { Host } from '../src/lib/server/types';
import {
	arg,
	childStats,
	clock,
	gitState,
	lifetime,
	MIN,
	sampleProcess,
	say,
	sleep,
	sleepUntil,
	startListeners,
	tcpMonitor,
	type ProcSample,
	runBench
} from './lib';
import { report, type CheckRow } from './soak-report';

const MINUTES = arg('minutes', 10, 2, 120);
const N = arg('monitors', 1000, 1, 20_000);
const WARMUP = arg('warmup', MINUTES >= 6 ? 2 : 1, 1, MINUTES - 1);
const HOSTS = 3;
const LISTENERS = 8;
/** Every FLAP_EVERY-th monitor flaps (5%). */
const FLAP_EVERY = 20;
/** Not a divisor of a minute, so each flapping monitor sees a different state from slot to slot. */
const FLAP_MS = 45_000;
const SAMPLE_MS = 5000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function startWorker(url: string): ChildProcess {
	// The worker itself (no npm/tsx wrapper), so child.pid is the process measured.
	return spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
		cwd: ROOT,
		env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'info', PROBE_WORKER: 'on', MONITORS_FILE: '', SITE_TIMEZONE: 'UTC' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

async function main() {
	const life = lifetime('soak bench', (MINUTES + 4) * MIN);
	console.log(`probe-loop soak bench — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})`);
	console.log(
		`${N} monitors x ${HOSTS} hosts, cron '* * * * *', ${Math.ceil(N / FLAP_EVERY)} flapping (every ${FLAP_MS / 1000} s); ${MINUTES} minute(s), the first ${WARMUP} warm-up`
	);
	console.log(`tree: ${gitState()}`);
	console.log(
		`load average at start: ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}\n`
	);
	try {
		const steadyL = await startListeners(LISTENERS);
		life.defer(() => void steadyL.child.kill());
		const flapL = await startListeners(HOSTS, FLAP_MS);
		life.defer(() => void flapL.child.kill());
		const scratch = await createScratchPostgres();
		life.defer(() => scratch.drop());
		const database = await openDatabase({ url: scratch.url, max: 2 });
		// The write time of each row, for slot lateness: the app does not store it, so the bench adds it here.
		await database.db.execute(sql`alter table check_results add column created_at timestamptz not null default clock_timestamp()`);
		life.defer(() => database.close());

		const hostsFor = (i: number): Host[] =>
			Array.from({ length: HOSTS }, (_, j) => ({
				type: 'tcp',
				host: '127.0.0.1',
				port: i % FLAP_EVERY === 0 ? flapL.ports[j] : steadyL.ports[(i * HOSTS + j) % LISTENERS],
				timeout: 1000
			}));
		const tag = (i: number) => `soak-${i % FLAP_EVERY === 0 ? 'flap-' : ''}${String(i).padStart(5, '0')}`;
		await upsertMonitors(
			database.db,
			Array.from({ length: N }, (_, i) => tcpMonitor(tag(i), hostsFor(i), true))
		);
		const idRows = await database.db.select({ id: monitors.id, tag: monitors.tag }).from(monitors);
		const flapping = new Set(idRows.filter((r) => r.tag.startsWith('soak-flap-')).map((r) => r.id));
		say(`scratch database ${new URL(scratch.url).pathname.slice(1)}: ${idRows.length} monitors (${flapping.size} flapping)`);
		say(`listeners on 127.0.0.1: steady ${steadyL.ports.join(',')}; flapping ${flapL.ports.join(',')}`);

		// The worker: its info lines are shown, its warnings and errors shown (the first 10) and counted.
		const worker = startWorker(scratch.url);
		const pid = worker.pid!;
		const state = { diedAt: null as number | null, exitCode: null as number | null, signal: null as string | null, warnings: 0 };
		let stopping = false;
		const exited = new Promise<void>((resolve) =>
			worker.once('exit', (code, signal) => {
				if (!stopping) state.diedAt = Date.now();
				state.exitCode = code;
				state.signal = signal;
				resolve();
			})
		);
		life.defer(() => void (worker.exitCode === null && worker.kill('SIGKILL')));
		const started = new Promise<number>((resolve, reject) => {
			createInterface({ input: worker.stdout! }).on('line', (line) => {
				console.log(`  [worker] ${line}`);
				const m = /probe loop started: (\d+) active monitors/.exec(line);
				if (m) resolve(Number(m[1]));
			});
			void exited.then(() => reject(new Error(`worker exited (${state.exitCode ?? state.signal}) before starting`)));
		});
		createInterface({ input: worker.stderr! }).on('line', (line) => {
			if (++state.warnings <= 10) console.log(`  [worker!] ${line}`);
		});
		const scheduled = await Promise.race([started, sleep(60_000).then(() => NaN)]);
		if (scheduled !== N) throw new Error(`worker scheduled ${scheduled} monitors, expected ${N}`);

		const w0 = Math.ceil((Date.now() + 1) / MIN) * MIN;
		const m0 = w0 + WARMUP * MIN;
		const end = w0 + MINUTES * MIN;
		say(`worker pid ${pid}: warm-up until ${clock(m0)}, measuring until ${clock(end)}`);

		// /proc samples on the 5 s grid, so each minute's boundary is a sample.
		const samples: { t: number; s: ProcSample }[] = [];
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				const t = Math.ceil((Date.now() + 1) / SAMPLE_MS) * SAMPLE_MS;
				await sleepUntil(t);
				const s = sampleProcess(pid);
				if (!s) break;
				samples.push({ t, s });
			}
		})();

		// A line a minute. Every check of a slot starts in its first 30 s (the spread), so a second past the
		// next boundary the previous slot's rows are in.
		const rowsOf = async (slot: number) =>
			(
				await database.db
					.select({ n: count() })
					.from(checks)
					.where(eq(checks.ts, new Date(slot)))
			)[0].n;
		for (let t = w0; t <= end; t += MIN) {
			await sleepUntil(t + 1000);
			const s = samples.at(-1)?.s;
			const rows = t > w0 ? `, slot ${clock(t - MIN)}: ${await rowsOf(t - MIN)} rows` : '';
			const phase = t <= m0 ? 'warm-up' : 'measured';
			say(
				`${phase} ${clock(t)}: RSS ${s ? (s.rssKb / 1024).toFixed(1) : '?'} MB, ${s?.fds ?? '?'} fds (${s?.sockets ?? '?'} sockets), ${s?.threads ?? '?'} threads${rows}`
			);
			if (state.diedAt !== null) break;
		}
		sampling = false;
		await sampler;

		const toggles = (await childStats(flapL.child)).toggles;
		const checkRows: CheckRow[] = (
			await database.db
				.select({ monitorId: checks.monitorId, ts: checks.ts, status: checks.status, createdAt: sql<string>`created_at` })
				.from(checks)
				.orderBy(asc(checks.monitorId), asc(checks.ts))
		).map((r) => ({ monitorId: r.monitorId, ts: r.ts.getTime(), status: r.status, createdAt: new Date(r.createdAt).getTime() }));
		const changes = (
			await database.db
				.select({ monitorId: statusChanges.monitorId, ts: statusChanges.ts, toStatus: statusChanges.toStatus })
				.from(statusChanges)
		).map((r) => ({ ...r, ts: r.ts.getTime() }));

		stopping = true;
		if (state.diedAt === null) worker.kill('SIGTERM');
		await Promise.race([exited, sleep(20_000)]);
		say(`worker stopped (${state.exitCode ?? state.signal ?? 'still running: killed'})`);

		const spread = defaultSpreadMs(MIN);
		return report({
			monitors: N,
			flapping,
			flapMs: FLAP_MS,
			w0,
			m0,
			end,
			samples,
			checks: checkRows,
			changes,
			toggles,
			offsetMs: (id) => startOffsetMs(id, spread),
			worker: state
		});
	} finally {
		await life.run();
	}
}

runBench(main);
