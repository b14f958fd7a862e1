// Hostile-eval bench:
//   npx tsx bench/hostile.ts [--healthy 800] [--hostile 200] [--baseline-minutes 1] [--minutes 2]
//                            [--every 60] [--hosts 3] [--listeners 8] [--dump events.json]
// Takes about baseline-minutes + minutes + 1 minutes (default ~4). Prints
// figures with verdicts; exit code 0 either way. Bounded by a watchdog.
//
// The target: 200 monitors whose eval functions are hostile (infinite
// loops, memory bombs, never-settling promises) run alongside 800 healthy
// ones, and the healthy ones keep their schedule: lateness p99 under 500 ms.
//
// Everything real: a scratch database on the local Postgres, the probe
// worker, the eval lanes (main + quarantine, settings from the environment as
// the app reads them), one Scheduler with its default spread for the whole
// run, listeners on 127.0.0.1 only in a child process. Every hostile monitor
// has its own source (a comment tells them apart), so nothing is shared
// between them: each must earn its quarantine by itself.
//
//   baseline  the healthy monitors alone, for --baseline-minutes whole minutes.
//   hostile   the hostile monitors are switched on 2.5 s before the baseline's
//             span ends, so their first slot is the hostile span's first slot
//             (their first offences are measured, not warmed up), and run
//             with the healthy ones for --minutes whole minutes.
// Lateness is measured against each check's planned start (slot + the
// scheduler's spread offset): to the probe's start (a probe wrapper notes it)
// and to the result written (the scheduler's onCheck, after the write).
// Rows are counted in the database per span: every slot must have one.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { and, count, gte, inArray, like, lt, ne, sql } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/index';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { upsertMonitors } from '../src/lib/server/db/queries/monitors';
import { checks, monitors } from '../src/lib/server/db/schema';
import type { MonitorInput } from '../src/lib/server/monitors/validate';
import { Scheduler } from '../src/lib/server/probe/scheduler';
import { EvalSandbox } from '../src/lib/server/eval/sandbox';
import { HEALTHY_KINDS, HOSTILE_KINDS, cause } from './hostile-evals';
import { loadConfig } from '../src/lib/server/config';
import { evalSettings } from '../src/lib/server/app';
import type { Host } from '../src/lib/server/types';
import { asc, fmt, pct, printTable, type Slim } from './scale-report';
import { MIN, arg, clock, gitState, say, sleep, sleepUntil, startListeners, tcpMonitor, textArg, runBench } from './lib';
import { countingLogger, probeWorker, slim, timedProbe } from './events';

const sandbox = new EvalSandbox();
const { evaluate } = sandbox;

const HEALTHY = arg('healthy', 800, 1, 20_000);
const HOSTILE = arg('hostile', 200, 0, 20_000);
const BASELINE_MIN = arg('baseline-minutes', 1, 1, 10);
const MINUTES = arg('minutes', 2, 1, 10);
const EVERY = arg('every', 60, 5, 60);
const HOSTS = arg('hosts', 3, 1, 20);
const LISTENERS = arg('listeners', 8, 1, 64);
const DUMP = textArg('dump');
if (60 % EVERY !== 0) {
	console.error(`--every must divide 60 (5, 6, 10, 12, 15, 20, 30 or 60 seconds), got ${EVERY}`);
	process.exit(2);
}
const CRON = EVERY === 60 ? '* * * * *' : `*/${EVERY} * * * * *`;
const TARGET_P99_MS = 500;

// ---- figures ----------------------------------------------------------------
interface Ev extends Slim {
	error: string | null;
	/** The evaluation's own time, queue excluded. */
	evalRunMs: number;
}
const q = (xs: number[]) => {
	const s = asc(xs);
	return { p50: pct(s, 50), p99: pct(s, 99), max: s.at(-1) ?? NaN, n: s.length };
};
function lateness(events: Ev[]) {
	return {
		probe: q(events.map((e) => e.probeAt - e.due)),
		written: q(events.map((e) => e.finishedAt - e.due)),
		evalMs: q(events.map((e) => e.evalMs)),
		evalRunMs: q(events.map((e) => e.evalRunMs))
	};
}

async function main() {
	const cleanup: (() => Promise<unknown> | void)[] = [];
	const runCleanup = async () => {
		for (const f of cleanup.splice(0).reverse()) await Promise.resolve(f()).catch((e) => console.error('cleanup:', e));
	};
	const boundMs = (BASELINE_MIN + MINUTES + 4) * MIN;
	const watchdog = setTimeout(() => {
		console.error(`hostile bench: still running after ${boundMs / MIN} min; giving up`);
		void runCleanup().finally(() => process.exit(3));
	}, boundMs);
	watchdog.unref();
	process.once('SIGINT', () => void runCleanup().finally(() => process.exit(130)));

	const settings = evalSettings(loadConfig(process.env));
	console.log(`hostile-eval bench — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})`);
	console.log(
		`${HEALTHY} healthy + ${HOSTILE} hostile monitors x ${HOSTS} host(s), cron '${CRON}', ` +
			`baseline ${BASELINE_MIN} min, hostile ${MINUTES} min, ${LISTENERS} listeners`
	);
	console.log(
		`eval: timeout ${settings.timeoutMs} ms, ${settings.memoryMb} MB; main and probation lanes ${settings.workers} worker(s) each ` +
			`(limit ${settings.suspectAfterMs} ms), quarantine ${settings.quarantineWorkers} worker(s)`
	);
	console.log(`tree: ${gitState()}`);
	console.log(
		`load average at start: ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}\n`
	);
	try {
		const { child, ports } = await startListeners(LISTENERS);
		child.removeAllListeners('exit');
		cleanup.push(() => void child.kill());
		const scratch = await createScratchPostgres();
		cleanup.push(() => scratch.drop());
		const database = await openDatabase({ url: scratch.url });
		cleanup.push(() => database.close());
		probeWorker.setMaxSockets(256);
		probeWorker.start();
		sandbox.configure(settings);
		cleanup.push(
			() => probeWorker.stop(),
			() => sandbox.stop()
		);

		const hostsFor = (i: number): Host[] =>
			Array.from({ length: HOSTS }, (_, j) => ({
				type: 'tcp',
				host: '127.0.0.1',
				port: ports[(i * HOSTS + j) % ports.length],
				timeout: 1000
			}));
		const kindOf = new Map<string, string>();
		const inputs: MonitorInput[] = [];
		for (let i = 0; i < HEALTHY; i++) {
			inputs.push(
				tcpMonitor(`healthy-${String(i).padStart(5, '0')}`, hostsFor(i), true, {
					cron: CRON,
					eval: HEALTHY_KINDS[i % HEALTHY_KINDS.length](i)
				})
			);
		}
		for (let i = 0; i < HOSTILE; i++) {
			const k = HOSTILE_KINDS[i % HOSTILE_KINDS.length];
			const tag = `hostile-${String(i).padStart(5, '0')}`;
			kindOf.set(tag, k.kind);
			inputs.push(tcpMonitor(tag, hostsFor(HEALTHY + i), false, { cron: CRON, eval: k.source(i) }));
		}
		for (let i = 0; i < inputs.length; i += 500) await upsertMonitors(database.db, inputs.slice(i, i + 500));
		const idRows = await database.db.select({ id: monitors.id, tag: monitors.tag }).from(monitors);
		const healthyIds = idRows.filter((r) => r.tag.startsWith('healthy-')).map((r) => r.id);
		const hostileIds = idRows.filter((r) => r.tag.startsWith('hostile-')).map((r) => r.id);
		const hostileKind = new Map(idRows.filter((r) => kindOf.has(r.tag)).map((r) => [r.id, kindOf.get(r.tag)!]));
		const isHealthy = new Set(healthyIds);
		say(
			`scratch database: ${healthyIds.length} healthy + ${hostileIds.length} hostile monitors; listeners on 127.0.0.1:${ports.join(',')}`
		);

		const log = countingLogger('hostile');
		// Which monitors were quarantined, and why (healthy ones should never be).
		const tagOf = new Map(idRows.map((r) => [`monitor:${r.id}`, r.tag]));
		const changes: { at: number; tag: string; text: string }[] = [];
		sandbox.onChange = (c) =>
			changes.push({
				at: Date.now(),
				tag: tagOf.get(c.key) ?? c.key,
				text: c.change === 'suspected' ? `quarantined after ${fmt(c.durationMs, 0)} ms: ${c.error}` : 'forgiven'
			});
		const events: Ev[] = [];
		const scheduler = new Scheduler({
			db: database.db,
			probe: timedProbe,
			evaluate,
			timeZone: 'UTC',
			log,
			// Edits (the hostile monitors' switch-on) apply within a second, so their first slot is known.
			refreshMs: 1000,
			onCheck: (e) => events.push({ ...slim(e), error: e.outcome.result.error ?? null, evalRunMs: e.outcome.result.durationMs })
		});
		await scheduler.start();
		cleanup.push(() => scheduler.stop());
		const m0 = Math.ceil((Date.now() + 20_000) / MIN) * MIN;
		const m1 = m0 + BASELINE_MIN * MIN;
		const m2 = m1 + MINUTES * MIN;
		say(
			`${scheduler.monitorCount} monitors scheduled; warm-up until ${clock(m0)}, baseline until ${clock(m1)}, hostile until ${clock(m2)}`
		);

		const cpuAt = new Map<number, { cpu: NodeJS.CpuUsage; wall: number; load: number }>();
		const mark = (t: number) => cpuAt.set(t, { cpu: process.cpuUsage(), wall: performance.now(), load: loadavg()[0] });
		await sleepUntil(m0);
		mark(m0);
		const slotsIn = (from: number, to: number) => (to - from) / (EVERY * 1000);
		const minuteLine = async (t: number) => {
			await sleepUntil(t);
			const e = events.filter((x) => x.slot >= t - MIN && x.slot < t);
			const h = e.filter((x) => isHealthy.has(x.monitorId));
			const late = q(h.map((x) => x.finishedAt - x.due));
			say(
				`minute ${clock(t - MIN)}: ${h.length} healthy checks (written p99 ${fmt(late.p99, 0)} ms), ` +
					`${e.length - h.length} hostile, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB, ` +
					`suspects ${sandbox.lanes.suspects}, load ${loadavg()[0].toFixed(2)}`
			);
		};
		for (let t = m0 + MIN; t < m1; t += MIN) await minuteLine(t);
		// Switch the hostile monitors on just before the hostile span: their first slot is its first.
		await sleepUntil(m1 - 2500);
		if (hostileIds.length) {
			await database.db
				.update(monitors)
				.set({ active: true, updatedAt: sql`now()` })
				.where(like(monitors.tag, 'hostile-%'));
		}
		await minuteLine(m1);
		mark(m1);
		for (let t = m1 + MIN; t <= m2; t += MIN) await minuteLine(t);
		mark(m2);

		// Checks of the span's last slots finish shortly after it (spread + a bounded eval).
		const expectedEvents = HEALTHY * (slotsIn(m0, m1) + slotsIn(m1, m2)) + HOSTILE * slotsIn(m1, m2);
		const inRun = (e: Ev) => e.slot >= m0 && e.slot < m2;
		for (let i = 0; i < 300 && events.filter(inRun).length < expectedEvents; i++) await sleep(100);
		await scheduler.stop();

		// ---- rows in the database ----
		const rowsOf = async (ids: number[], from: number, to: number) => {
			if (ids.length === 0) return 0;
			const [{ n }] = await database.db
				.select({ n: count() })
				.from(checks)
				.where(and(inArray(checks.monitorId, ids), gte(checks.ts, new Date(from)), lt(checks.ts, new Date(to))));
			return n;
		};
		const hostileRows = hostileIds.length
			? await database.db
					.select({ monitorId: checks.monitorId, status: checks.status, error: checks.error })
					.from(checks)
					.where(and(inArray(checks.monitorId, hostileIds), gte(checks.ts, new Date(m1)), lt(checks.ts, new Date(m2))))
			: [];
		const healthyBad = await database.db
			.select({ status: checks.status, error: checks.error })
			.from(checks)
			.where(
				and(inArray(checks.monitorId, healthyIds), gte(checks.ts, new Date(m0)), lt(checks.ts, new Date(m2)), ne(checks.status, 'UP'))
			);

		if (DUMP) {
			writeFileSync(DUMP, JSON.stringify({ m0, m1, m2, healthyIds, hostileIds, events, changes }));
			say(`events written to ${DUMP}`);
		}
		const span = (from: number, to: number) => events.filter((e) => e.slot >= from && e.slot < to);
		const healthyA = span(m0, m1).filter((e) => isHealthy.has(e.monitorId));
		const healthyB = span(m1, m2).filter((e) => isHealthy.has(e.monitorId));
		const hostileB = span(m1, m2).filter((e) => !isHealthy.has(e.monitorId));
		const la = lateness(healthyA);
		const lb = lateness(healthyB);
		const lh = lateness(hostileB);
		const expA = HEALTHY * slotsIn(m0, m1);
		const expB = HEALTHY * slotsIn(m1, m2);
		const expH = HOSTILE * slotsIn(m1, m2);
		const rowsA = await rowsOf(healthyIds, m0, m1);
		const rowsB = await rowsOf(healthyIds, m1, m2);
		const cpuPct = (from: number, to: number) => {
			const a = cpuAt.get(from)!;
			const b = cpuAt.get(to)!;
			const us = b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system;
			return (100 * us) / 1000 / (b.wall - a.wall);
		};

		// ---- report ----
		type Row = [string, string, string, string];
		const rows: Row[] = [];
		const fig = (label: string, a: number, b: number, h: number, d = 0) => rows.push([label, fmt(a, d), fmt(b, d), fmt(h, d)]);
		const line = (label: string, a: string, b: string, h: string) => rows.push([label, a, b, h]);
		line('checks seen (events / expected)', `${healthyA.length} / ${expA}`, `${healthyB.length} / ${expB}`, `${hostileB.length} / ${expH}`);
		line('rows in checks (rows / expected)', `${rowsA} / ${expA}`, `${rowsB} / ${expB}`, `${hostileRows.length} / ${expH}`);
		fig('lateness to probe start p50 (ms)', la.probe.p50, lb.probe.p50, lh.probe.p50);
		fig('lateness to probe start p99 (ms)', la.probe.p99, lb.probe.p99, lh.probe.p99);
		fig('lateness to probe start max (ms)', la.probe.max, lb.probe.max, lh.probe.max);
		fig('lateness to result written p50 (ms)', la.written.p50, lb.written.p50, lh.written.p50);
		fig('lateness to result written p99 (ms)', la.written.p99, lb.written.p99, lh.written.p99);
		fig('lateness to result written max (ms)', la.written.max, lb.written.max, lh.written.max);
		fig('eval incl. queue p50 (ms)', la.evalMs.p50, lb.evalMs.p50, lh.evalMs.p50, 1);
		fig('eval incl. queue p99 (ms)', la.evalMs.p99, lb.evalMs.p99, lh.evalMs.p99, 1);
		fig('eval incl. queue max (ms)', la.evalMs.max, lb.evalMs.max, lh.evalMs.max, 1);
		fig('eval run alone p99 (ms)', la.evalRunMs.p99, lb.evalRunMs.p99, lh.evalRunMs.p99, 1);
		const notUp = (xs: Ev[]) => String(xs.filter((e) => e.status !== 'UP').length);
		line('checks not UP', notUp(healthyA), notUp(healthyB), notUp(hostileB));
		fig('CPU, whole process (% of one core)', cpuPct(m0, m1), cpuPct(m1, m2), NaN, 1);
		line('load average 1-min (span start)', fmt(cpuAt.get(m0)!.load, 2), fmt(cpuAt.get(m1)!.load, 2), '');
		printTable(['', `baseline: ${HEALTHY} healthy`, `with hostile: ${HEALTHY} healthy`, `${HOSTILE} hostile`], rows);

		// Hostile rows by kind and cause (from the database).
		if (hostileRows.length) {
			console.log(`\nhostile rows by kind and cause (database, hostile span):`);
			const byKind = new Map<string, Map<string, number>>();
			for (const r of hostileRows) {
				const k = hostileKind.get(r.monitorId) ?? '?';
				const m = byKind.get(k) ?? new Map<string, number>();
				const c = `${r.status} ${cause(r.error)}`;
				m.set(c, (m.get(c) ?? 0) + 1);
				byKind.set(k, m);
			}
			for (const { kind } of HOSTILE_KINDS) {
				const m = byKind.get(kind);
				if (!m) continue;
				console.log(`  ${kind}`);
				for (const [c, n] of [...m].sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(5)}  ${c}`);
			}
		}
		if (healthyBad.length) {
			console.log(`\nhealthy rows not UP (database, both spans): ${healthyBad.length}`);
			const m = new Map<string, number>();
			for (const r of healthyBad) m.set(`${r.status} ${cause(r.error)}`, (m.get(`${r.status} ${cause(r.error)}`) ?? 0) + 1);
			for (const [c, n] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${String(n).padStart(5)}  ${c}`);
		}

		const healthyChanges = changes.filter((c) => c.tag.startsWith('healthy-'));
		console.log(
			`\nhealthy monitors quarantined: ${healthyChanges.filter((c) => c.text !== 'forgiven').length}, forgiven: ${healthyChanges.filter((c) => c.text === 'forgiven').length}`
		);
		for (const c of healthyChanges.slice(0, 10)) console.log(`    ${clock(c.at)}  ${c.tag}  ${c.text}`);
		const lanes = sandbox.lanes;
		console.log(
			`\neval lanes: ${lanes.suspects} suspects now; suspected ${lanes.stats.suspected}, re-run in quarantine ${lanes.stats.retried} ` +
				`(false alarms ${lanes.stats.falseAlarms}), ` +
				`answered at once ${lanes.stats.refused}, forgiven ${lanes.stats.forgiven}`
		);
		console.log(
			`  evaluations / workers terminated / started: main ${lanes.main.accepted} / ${lanes.main.terminations} / ${lanes.main.starts}, ` +
				`probation ${lanes.probation.accepted} / ${lanes.probation.terminations} / ${lanes.probation.starts}, ` +
				`quarantine ${lanes.quarantine.accepted} / ${lanes.quarantine.terminations} / ${lanes.quarantine.starts}`
		);
		const st = scheduler.stats;
		console.log(
			`scheduler: ${st.written} written, ${st.duplicates} duplicates, ${st.writeErrors} write errors, ` +
				`${st.skippedOverlap} slots skipped (overlap); logged warnings/errors ${log.times.length}`
		);

		const verdict = (ok: boolean, text: string) => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
		console.log(`\ntargets (healthy monitors while ${HOSTILE} hostile ones run):`);
		verdict(
			lb.probe.p99 < TARGET_P99_MS && lb.probe.n > 0,
			`lateness to probe start p99 under ${TARGET_P99_MS} ms: ${fmt(lb.probe.p99, 0)} ms (baseline ${fmt(la.probe.p99, 0)} ms)`
		);
		verdict(
			lb.written.p99 < TARGET_P99_MS && lb.written.n > 0,
			`lateness to result written p99 under ${TARGET_P99_MS} ms: ${fmt(lb.written.p99, 0)} ms (baseline ${fmt(la.written.p99, 0)} ms)`
		);
		verdict(rowsA === expA && rowsB === expB, `every healthy slot written: baseline ${rowsA}/${expA}, with hostile ${rowsB}/${expB}`);
		verdict(healthyBad.length === 0, `every healthy row UP: ${healthyBad.length} not UP`);
		verdict(healthyChanges.length === 0, `no healthy monitor quarantined: ${healthyChanges.length} changes`);
		verdict(hostileRows.length === expH, `every hostile slot written (DOWN with a cause): ${hostileRows.length}/${expH}`);
		verdict(
			hostileRows.every((r) => r.status === 'DOWN' && !!r.error),
			`every hostile row DOWN with a named cause`
		);
		console.log(
			`\nload average now: ${loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')} on ${cpus().length} CPU(s) (a shared machine)`
		);
	} finally {
		await runCleanup();
	}
}

runBench(main);
