// Alert delivery bench: `npx tsx bench/alerts.ts [--flappers 10] [--rounds 3] [--storm 1000] [--storm-every 15]`.
// Prints figures; exits 1 when a target is missed.
//
// The app runs in this process (startApp: probe loop and alert sender, as a
// worker runs them) on a scratch database on the PostgreSQL of DATABASE_URL's
// server (db/testing.ts, as bench/soak.ts), probing real TCP listeners on
// 127.0.0.1 and sending to a real webhook receiver there that checks every
// signature (tests/fixtures/webhook.ts).
//
// (i) Latency: --flappers monitors every 5 s, each on its own listener; all
// listeners close, and once every monitor's down message arrived they reopen
// (recovered), --rounds times. For each message: receiver arrival (whole body
// read) minus the confirming check's commit, i.e. onCheck's finishedAt of that
// (monitor, slot): the probe loop's clock right after recordCheck's
// transaction returned. Also shown: arrival minus the slot's planned start
// (slot + spread offset), which adds the probe and the write. The channel's
// storm threshold is set out of reach so each confirmation is its own message.
// Target: p99 from commit < 2 s.
//
// (ii) Storm: --storm monitors every --storm-every s on one listener, one
// webhook channel (default storm threshold) attached to all; the listener
// closes. Measured: time from the close until every monitor was named at the
// receiver (target < 60 s; it includes the two failing checks that confirm,
// two intervals), and from the first message queued, requests the receiver got, and the probe loop's
// start lateness (onCheck startedAt − due, the loop's own measure, as in
// bench/scale.ts) from the close to the end, compared with the same run
// without channels (a fresh database), printed as a ratio.
import { loadavg, cpus } from 'node:os';
import { loadConfig } from '../src/lib/server/config';
import { startApp, stopApp } from '../src/lib/server/app';
import { openDatabase } from '../src/lib/server/db/index';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { upsertMonitors } from '../src/lib/server/db/queries/monitors';
import { attachChannel, createChannel, listOutbox, type NewChannel } from '../src/lib/server/db/queries/alerts';
import type { CheckEvent } from '../src/lib/server/probe/scheduler';
import { listen, type Listener } from '../tests/fixtures/net';
import { webhookReceiver, type Received } from '../tests/fixtures/webhook';
import { arg, gitState, lifetime, MIN, runBench, say, sleep, tcpMonitor } from './lib';

const FLAPPERS = arg('flappers', 10, 1, 200);
const ROUNDS = arg('rounds', 3, 1, 50);
const STORM = arg('storm', 1000, 10, 10_000);
const STORM_EVERY = arg('storm-every', 15, 5, 60);
const SECRET = 'bench-secret';
const TARGET = { latencyP99Ms: 2000, stormMs: 60_000 };

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const dist = (xs: number[]) => `p50 ${fmt(pct(xs, 50))}  p95 ${fmt(pct(xs, 95))}  p99 ${fmt(pct(xs, 99))}  max ${fmt(pct(xs, 100))}`;

async function until(what: string, ms: number, fn: () => boolean | Promise<boolean>) {
	const end = Date.now() + ms;
	while (!(await fn())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(50);
	}
}

/** Starts the app on a fresh scratch database with the given monitors; returns it with its check events. */
async function appOn(monitors: ReturnType<typeof tcpMonitor>[], channel?: NewChannel) {
	const scratch = await createScratchPostgres();
	const setup = await openDatabase({ url: scratch.url, max: 2 });
	await upsertMonitors(setup.db, monitors);
	// Attached before the loop starts: a thousand inserts beside a busy loop would wait for its pool.
	if (channel) {
		const id = await createChannel(setup.db, channel);
		for (const m of await setup.db.query.monitors.findMany()) await attachChannel(setup.db, m.id, id);
	}
	await setup.close();
	const events: CheckEvent[] = [];
	const config = loadConfig({ DATABASE_URL: scratch.url, PROBE_WORKER: 'on', LOG_LEVEL: 'error', SITE_TIMEZONE: 'UTC' });
	const app = await startApp(config, { snapshot: false, scheduler: { onCheck: (e) => void events.push(e) } });
	return {
		app,
		events,
		async stop() {
			await stopApp();
			await scratch.drop();
		}
	};
}

/** Tags a receiver request names: one monitor, or a digest's list. */
/** The monitors a request names: its own, or each of a storm digest's messages' (README: `kind: "digest"`, `messages`). */
function tagsOf(r: Received): string[] {
	const b = r.body as { monitor?: { tag?: string }; messages?: { monitor?: { tag?: string } }[] };
	return [...(b.monitor?.tag ? [b.monitor.tag] : []), ...(b.messages ?? []).map((m) => m.monitor?.tag ?? '')].filter(Boolean);
}

async function latency(life: ReturnType<typeof lifetime>): Promise<boolean> {
	say(`(i) latency: ${FLAPPERS} monitors every 5 s, ${ROUNDS} rounds of down and recovered`);
	const services: Listener[] = await Promise.all(Array.from({ length: FLAPPERS }, () => listen('127.0.0.1')));
	life.defer(() => Promise.all(services.map((s) => s.close())));
	const rx = await webhookReceiver(SECRET);
	life.defer(() => rx.close());
	const tags = services.map((_, i) => `flap-${i}`);
	const run = await appOn(
		services.map((s, i) =>
			tcpMonitor(tags[i], [{ type: 'tcp', host: '127.0.0.1', port: s.port, timeout: 1000 }], true, { cron: '*/5 * * * * *' })
		),
		{ name: 'bench', type: 'webhook', config: { url: `http://127.0.0.1:${rx.port}/`, secret: SECRET }, stormThreshold: 1_000_000 }
	);
	try {
		const { db } = run.app.database;
		await until(
			'an UP check of every monitor',
			MIN,
			() => new Set(run.events.filter((e) => e.outcome.result.status === 'UP').map((e) => e.tag)).size === FLAPPERS
		);
		const ports = services.map((s) => s.port);
		for (let round = 0; round < ROUNDS; round++) {
			await Promise.all(services.map((s) => s.close()));
			await until('the down messages', MIN, () => rx.accepted().filter((g) => g.body.kind === 'down').length >= FLAPPERS * (round + 1));
			const back = await Promise.all(ports.map((p) => listen('127.0.0.1', p)));
			services.splice(0, services.length, ...back);
			await until(
				'the recovered messages',
				MIN,
				() => rx.accepted().filter((g) => g.body.kind === 'recovered').length >= FLAPPERS * (round + 1)
			);
			say(`  round ${round + 1}: ${rx.accepted().length} messages so far`);
		}
		const bySlot = new Map(run.events.filter((e) => e.written).map((e) => [`${e.tag}@${e.slot.toISOString()}`, e]));
		const fromCommit: number[] = [];
		const fromStart: number[] = [];
		for (const r of rx.accepted()) {
			const e = bySlot.get(`${r.body.monitor.tag}@${String(r.body.at)}`);
			if (!e) throw new Error(`no check event for ${r.key}`);
			fromCommit.push(r.at - e.finishedAt);
			fromStart.push(r.at - e.due);
		}
		const outbox = await listOutbox(db);
		console.log(
			`  messages: ${rx.accepted().length} delivered (${rx.got.length} requests, ${rx.got.filter((g) => !g.verified).length} bad signatures), outbox ${outbox.length} rows`
		);
		console.log(`  commit → receiver:        ${dist(fromCommit)}`);
		console.log(`  planned start → receiver: ${dist(fromStart)}`);
		const ok = fromCommit.length >= 50 && pct(fromCommit, 99) < TARGET.latencyP99Ms;
		console.log(
			`${ok ? 'PASS' : 'FAIL'}: ${fromCommit.length} confirmations (≥ 50), p99 from commit ${fmt(pct(fromCommit, 99))} (target < ${TARGET.latencyP99Ms} ms)`
		);
		return ok;
	} finally {
		await run.stop();
	}
}

interface StormRun {
	lateness: number[];
	reportedMs: number | null;
	requests: number;
	messagesNamed: number;
}

async function storm(withChannel: boolean, life: ReturnType<typeof lifetime>): Promise<StormRun> {
	say(
		`(ii) storm ${withChannel ? 'with one webhook channel' : 'without channels'}: ${STORM} monitors every ${STORM_EVERY} s on one listener`
	);
	const service = await listen('127.0.0.1');
	life.defer(() => service.close());
	const rx = await webhookReceiver(SECRET);
	life.defer(() => rx.close());
	const cron = `*/${STORM_EVERY} * * * * *`;
	const host = { type: 'tcp' as const, host: '127.0.0.1', port: service.port, timeout: 1000 };
	const run = await appOn(
		Array.from({ length: STORM }, (_, i) => tcpMonitor(`storm-${i}`, [host], true, { cron })),
		withChannel ? { name: 'storm', type: 'webhook', config: { url: `http://127.0.0.1:${rx.port}/`, secret: SECRET } } : undefined
	);
	try {
		const { db } = run.app.database;
		// Warm-up: two whole intervals of UP checks.
		await sleep(2 * STORM_EVERY * 1000 + 2000);
		await service.close();
		const closedAt = Date.now();
		let reportedMs: number | null = null;
		if (withChannel) {
			await until('every monitor reported', 3 * MIN, () => new Set(rx.accepted().flatMap(tagsOf)).size >= STORM);
			reportedMs = Date.now() - closedAt;
			const rows = await listOutbox(db);
			const firstQueued = Math.min(...rows.map((o) => o.createdAt.getTime()));
			console.log(`  from the first message queued (${rows.length} outbox rows) to all reported: ${fmt(Date.now() - firstQueued)}`);
		} else {
			// The same span of work: until every monitor has two DOWN checks (what confirms it).
			await until('two DOWN checks of every monitor', 3 * MIN, () => {
				const n = new Map<string, number>();
				for (const e of run.events)
					if (e.startedAt >= closedAt && e.outcome.result.status === 'DOWN') n.set(e.tag, (n.get(e.tag) ?? 0) + 1);
				return [...n.values()].filter((c) => c >= 2).length >= STORM;
			});
		}
		await sleep(STORM_EVERY * 1000); // one more interval: the loop while the sender settles
		const lateness = run.events.filter((e) => e.due >= closedAt).map((e) => e.startedAt - e.due);
		const r: StormRun = { lateness, reportedMs, requests: rx.got.length, messagesNamed: rx.accepted().flatMap(tagsOf).length };
		console.log(`  lateness (startedAt − due, ${lateness.length} checks since the close): ${dist(lateness)}`);
		if (withChannel)
			console.log(
				`  all ${STORM} reported after ${fmt(reportedMs!)}; receiver got ${r.requests} requests naming ${r.messagesNamed} monitors`
			);
		return r;
	} finally {
		await run.stop();
		await service.close();
		await rx.close();
	}
}

runBench(async () => {
	const life = lifetime('alerts bench', 15 * MIN);
	console.log(
		`alerts bench on ${gitState()}, ${cpus().length} CPU(s), load ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`
	);
	try {
		const latOk = await latency(life);
		const quiet = await storm(false, life);
		const loud = await storm(true, life);
		const ratio = (p: number) => (pct(loud.lateness, p) / Math.max(1, pct(quiet.lateness, p))).toFixed(2);
		console.log(`\n(ii) storm of ${STORM} monitors:`);
		const stormOk = loud.reportedMs !== null && loud.reportedMs < TARGET.stormMs;
		console.log(
			`${stormOk ? 'PASS' : 'FAIL'}: every monitor reported after ${fmt(loud.reportedMs ?? NaN)} (target < ${TARGET.stormMs} ms)`
		);
		console.log(`  receiver requests: ${loud.requests} (target: a handful once storm digests are in)`);
		console.log(
			`  loop lateness with alerts / without: p50 ${ratio(50)}×, p99 ${ratio(99)}× (${dist(loud.lateness)} vs ${dist(quiet.lateness)})`
		);
		return latOk && stormOk;
	} finally {
		await life.run();
	}
});
