// Probe-loop scale benchmark:
//   npx tsx bench/scale.ts [--monitors 1000] [--hosts 3] [--minutes 2] [--listeners 8] [--dump events.json]
// Takes about 2 x (minutes + 1) minutes. Prints figures with verdicts; exit code 0 either way.
//
// The target: 1,000 monitors x 3 hosts every minute against local
// listeners, with the latency recorded at that load within 1 ms (p99) of a
// single monitor alone, every check started within 1 s of its planned time,
// RSS under 300 MB, and the minute's work under 10% of one core.
//
// Everything real: a scratch database on the local Postgres, the probe worker,
// the eval pool, the Scheduler with its default spread, monitors with cron
// '* * * * *' and the default eval. Listeners on 127.0.0.1 only, in a child
// process (bench/scale-listeners.js) so their accept work is not counted.
//
//   reference  100 sequential checks of the same hosts, 100 ms apart (no DB):
//              a larger sample of the "alone" latency than phase A gives.
//   phase A    1 monitor alone for --minutes whole minutes (the baseline).
//   phase B    --monitors monitors for --minutes whole minutes.
// A phase measures whole clock minutes [m0, m0 + minutes): checks whose slot
// is in that span, and CPU/RSS over exactly that span. B's monitors are
// created (inactive) up front and switched on right after A's span ends, so
// B's warm-up is nearly a full minute of real checks; A's warm-up is the rest
// of the minute it starts in. The run stops by itself (and a watchdog bounds it).
// CPU is process.cpuUsage() over the span: main thread, probe worker and eval
// workers alike; the Postgres backends and the listeners are shown, not counted.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import postgres from 'postgres';
import { and, count, gte, inArray, lt, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/lib/server/db/index';
import { adminUrl, createScratchPostgres } from '../src/lib/server/db/testing';
import { upsertMonitors } from '../src/lib/server/db/queries/monitors';
import { checks, monitors } from '../src/lib/server/db/schema';
import { Scheduler } from '../src/lib/server/probe/scheduler';
import { EvalSandbox } from '../src/lib/server/eval/sandbox';
import { runCheck } from '../src/lib/server/probe/check';
import type { Logger } from '../src/lib/server/log';
import type { Host } from '../src/lib/server/types';
import { asc, fmt, pct, report, type PhaseResult, type Slim } from './scale-report';
import {
	arg,
	childStats,
	clock,
	gitState,
	lifetime,
	MIN,
	procCpuMs,
	say,
	sleep,
	sleepUntil,
	startListeners,
	tcpMonitor,
	textArg,
	runBench
} from './lib';
import { countingLogger, probeWorker, slim, timedProbe } from './events';

const sandbox = new EvalSandbox();
const { evaluate } = sandbox;

// ---- arguments ------------------------------------------------------------
const N = arg('monitors', 1000, 1, 20_000);
const HOSTS = arg('hosts', 3, 1, 100);
const MINUTES = arg('minutes', 2, 1, 10);
const LISTENERS = arg('listeners', 8, 1, 64);
const DUMP = textArg('dump');

// ---- Postgres backends' CPU (what the loop costs the database) --------------
class PgCpu {
	private base = new Map<number, number>();
	private last = new Map<number, number>();
	constructor(
		private admin: postgres.Sql,
		private dbName: string
	) {}
	async sample(first = false) {
		const rows = await this.admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${this.dbName}`;
		for (const { pid } of rows) {
			const ms = procCpuMs(`/proc/${pid}/stat`);
			if (ms === null) continue;
			if (first) this.base.set(pid, ms);
			this.last.set(pid, ms);
		}
	}
	/** CPU ms since the first sample (backends started later count from 0; exits lose < 5 s). */
	get totalMs() {
		let t = 0;
		for (const [pid, ms] of this.last) t += ms - (this.base.get(pid) ?? 0);
		return t;
	}
}

// ---- a phase --------------------------------------------------------------
interface Ctx {
	database: Database;
	log: Logger & { times: number[] };
	child: ChildProcess;
	pg: () => PgCpu | null;
}

async function runPhase(ctx: Ctx, name: string, ids: number[], prepare?: () => Promise<void>): Promise<PhaseResult> {
	const all: Slim[] = [];
	const started = Date.now();
	await prepare?.();
	const scheduler = new Scheduler({
		db: ctx.database.db,
		probe: timedProbe,
		evaluate,
		timeZone: 'UTC',
		log: ctx.log,
		onCheck: (e) => all.push(slim(e))
	});
	await scheduler.start();
	const m0 = Math.ceil((Date.now() + 1) / MIN) * MIN;
	const end = m0 + MINUTES * MIN;
	say(`${name}: ${scheduler.monitorCount} monitors scheduled; warm-up until ${clock(m0)}, measuring until ${clock(end)}`);
	await sleepUntil(m0);

	const pg = ctx.pg();
	const mainPath = `/proc/self/task/${process.pid}/stat`;
	const c0 = { cpu: process.cpuUsage(), wall: performance.now(), main: procCpuMs(mainPath), load: loadavg()[0] };
	const child0 = await childStats(ctx.child);
	await pg?.sample(true);
	let rssMax = 0;
	let heapMax = 0;
	const sampleMem = () => {
		const m = process.memoryUsage();
		rssMax = Math.max(rssMax, m.rss);
		heapMax = Math.max(heapMax, m.heapUsed);
	};
	sampleMem();
	const sampler = setInterval(() => {
		sampleMem();
		void pg?.sample().catch(() => {});
	}, 5000);
	for (let t = m0 + MIN; t <= end; t += MIN) {
		await sleepUntil(t);
		const n = all.filter((e) => e.slot >= t - MIN && e.slot < t).length;
		say(`${name}: minute ${clock(t - MIN)} done, ${n} checks, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
	}
	const wall = performance.now() - c0.wall;
	const cpu = process.cpuUsage(c0.cpu);
	const main = procCpuMs(mainPath);
	const load1 = loadavg()[0];
	clearInterval(sampler);
	sampleMem();
	const child1 = await childStats(ctx.child);
	await pg?.sample().catch(() => {});

	// Checks of the span's last slot end well before it does (offsets < 30 s), unless the loop is badly late.
	const inSpan = (e: Slim) => e.slot >= m0 && e.slot < end;
	const expected = ids.length * MINUTES;
	for (let i = 0; i < 150 && all.filter(inSpan).length < expected; i++) await sleep(100);
	await scheduler.stop();
	const [{ n: rows }] = await ctx.database.db
		.select({ n: count() })
		.from(checks)
		.where(and(inArray(checks.monitorId, ids), gte(checks.ts, new Date(m0)), lt(checks.ts, new Date(end))));
	const pctOf = (ms: number) => (100 * ms) / wall;
	const warned = (from: number, to: number) => ctx.log.times.filter((t) => t >= from && t < to).length;
	return {
		name,
		monitors: ids.length,
		expected,
		events: all.filter(inSpan),
		rows,
		stats: { ...scheduler.stats },
		cpuPct: pctOf((cpu.user + cpu.system) / 1000),
		mainPct: main !== null && c0.main !== null ? pctOf(main - c0.main) : NaN,
		pgPct: pg ? pctOf(pg.totalMs) : NaN,
		childPct: pctOf(child1.cpuMs - child0.cpuMs),
		rssMaxMb: rssMax / 2 ** 20,
		heapMaxMb: heapMax / 2 ** 20,
		load: [c0.load, load1],
		warningsWarmup: warned(started, m0),
		warningsSpan: warned(m0, end)
	};
}

// ---- main -----------------------------------------------------------------
function hostsFor(i: number, ports: number[]): Host[] {
	return Array.from({ length: HOSTS }, (_, j) => ({
		type: 'tcp',
		host: '127.0.0.1',
		port: ports[(i * HOSTS + j) % ports.length],
		timeout: 1000
	}));
}

async function main() {
	// Bounded: warm-ups, measured minutes, setup and slack. Never hangs.
	const life = lifetime('scale bench', (2 * (MINUTES + 1) + 4) * MIN);
	console.log(`probe-loop scale bench — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})`);
	console.log(`${N} monitors x ${HOSTS} hosts, cron '* * * * *', ${MINUTES} measured minute(s) per phase, ${LISTENERS} listeners`);
	console.log(`tree: ${gitState()}`);
	console.log(
		`load average at start: ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}\n`
	);
	try {
		const { child, ports } = await startListeners(LISTENERS);
		life.defer(() => void child.kill());
		const scratch = await createScratchPostgres();
		life.defer(() => scratch.drop());
		const database = await openDatabase({ url: scratch.url });
		life.defer(() => database.close());
		const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
		life.defer(() => admin.end());
		const dbName = new URL(scratch.url).pathname.slice(1);
		const procOk = procCpuMs(`/proc/${process.pid}/stat`) !== null;
		probeWorker.setMaxSockets(256);
		probeWorker.start();
		life.defer(
			() => probeWorker.stop(),
			() => sandbox.stop()
		);

		// The loop's warnings, printed (the first 10) and timed, so warm-up and span can be told apart.
		const log = countingLogger('scale');

		// Fixtures: A's monitor active, B's monitors created inactive now (ids A=1, B=2..N+1).
		const aInput = tcpMonitor('scale-a', hostsFor(0, ports), true);
		const bInputs = Array.from({ length: N }, (_, i) => tcpMonitor(`scale-b-${String(i).padStart(5, '0')}`, hostsFor(i, ports), false));
		await upsertMonitors(database.db, [aInput]);
		await upsertMonitors(database.db, bInputs);
		const idRows = await database.db.select({ id: monitors.id, tag: monitors.tag }).from(monitors);
		const aIds = idRows.filter((r) => r.tag === 'scale-a').map((r) => r.id);
		const bIds = idRows.filter((r) => r.tag !== 'scale-a').map((r) => r.id);
		say(`scratch database ${dbName}: ${idRows.length} monitors; listeners on 127.0.0.1:${ports.join(',')}`);

		// Reference: the same path minus the database, one check at a time.
		const ref: number[] = [];
		for (let i = 0; i < 100; i++) {
			const o = await runCheck(aInput.type_data.hosts, null, { probe: (hosts) => probeWorker.probe(hosts), evaluate });
			ref.push(...o.pings.filter((p) => p.status === 'open').map((p) => p.latency));
			await sleep(100);
		}
		const refSorted = asc(ref);
		say(`reference: ${ref.length} open pings, p50 ${fmt(pct(refSorted, 50))} ms, p99 ${fmt(pct(refSorted, 99))} ms`);

		const ctx: Ctx = { database, log, child, pg: () => (procOk ? new PgCpu(admin, dbName) : null) };
		const a = await runPhase(ctx, 'phase A', aIds);
		const b = await runPhase(ctx, 'phase B', bIds, async () => {
			// One statement, so B starts seconds after A's span ends and gets almost a full warm-up minute.
			await database.db.update(monitors).set({ active: sql`${monitors.tag} <> 'scale-a'`, updatedAt: sql`now()` });
		});
		if (DUMP) {
			writeFileSync(DUMP, JSON.stringify({ ref, a, b }));
			say(`events written to ${DUMP}`);
		}
		report({ ref: refSorted, a, b, hosts: HOSTS, minutes: MINUTES });
	} finally {
		await life.run();
	}
}

runBench(main);
