// Issue 15, "from more than one place": three `npm run worker -- --location X`
// processes (build/worker.js) on one PostgreSQL database. Two run here; the
// third runs inside its own network namespace, whose 127.0.0.1 is a loopback
// of its own where nothing listens (connection refused: "error"). It reaches
// PostgreSQL through the server's Unix socket, which is a path, not an
// address, and so is shared across network namespaces.
//
// Two monitors check the same real listener every 5 s: one with the default
// eval (every ping must be open: DOWN), one with the spec's quorum example
// (2 of 3 open: DEGRADED). Once all three locations are live, every slot has
// exactly three location results and exactly one check, evaluated over the
// three locations' pings (one host each), ordered by location.
//
// Needs root and `ip` (network namespaces) and the server's Unix socket;
// otherwise it says so and skips. PORTHOLE_REQUIRE_NETNS=1 (CI) makes that a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gte, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/lib/server/db/index';
import { adminUrl, createScratchPostgres } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { checksBetween } from '../../src/lib/server/db/queries/checks';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { locationResults, locations, monitors, slotClaims } from '../../src/lib/server/db/schema';
import { listen, type Listener } from '../fixtures/net';

const EVERY = 5000;
/** Slots checked after all three locations are live. */
const SLOTS = 3;
const NS = `ph-loc-${process.pid}`;
const HERE = ['eu-1', 'us-1'];
const AWAY = 'ap-1'; // inside the namespace: sorts first
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The spec's "Quorum-Based Status" example (tcp-monitor.md, example 7), verbatim.
const QUORUM = `;(async function (arrayOfPings) {
    let openCount = 0
    let latencyTotal = 0

    for (let ping of arrayOfPings) {
        if (ping.status === "open") {
            openCount++
            latencyTotal += ping.latency
        }
    }

    const totalHosts = arrayOfPings.length
    const majority = Math.floor(totalHosts / 2) + 1
    const avgLatency = openCount > 0 ? latencyTotal / openCount : 0

    if (openCount === totalHosts) {
        return { status: "UP", latency: avgLatency }
    } else if (openCount >= majority) {
        return { status: "DEGRADED", latency: avgLatency }
    } else {
        return { status: "DOWN", latency: avgLatency }
    }
})`;

/** Why this machine cannot run the test, or null. */
function unsupported(): string | null {
	if (process.platform !== 'linux') return 'not Linux';
	if (process.getuid?.() !== 0) return 'not running as root';
	if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return '`ip` (iproute2) is not available';
	const admin = new URL(adminUrl());
	if (!['127.0.0.1', 'localhost', '[::1]'].includes(admin.hostname)) return `the test database ${admin.hostname} is not local`;
	if (!existsSync(socketPath())) return `no PostgreSQL Unix socket at ${socketPath()}`;
	return null;
}
const socketDir = () => process.env.PGHOST_SOCKET_DIR || '/var/run/postgresql';
const socketPath = () => `${socketDir()}/.s.PGSQL.${new URL(adminUrl()).port || 5432}`;

const reason = unsupported();
const required = process.env.PORTHOLE_REQUIRE_NETNS === '1';
if (reason)
	console.warn(
		`[locations] ${required ? 'FAILING' : 'SKIPPED'}: ${reason}. This test needs root, \`ip netns\` and the server's Unix socket.`
	);

function ip(...args: string[]) {
	const r = spawnSync('ip', args, { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

function startWorker(url: string, location: string, namespace?: string): ChildProcess {
	const argv = [process.execPath, 'build/worker.js', '--location', location];
	const [cmd, ...args] = namespace ? ['ip', 'netns', 'exec', namespace, ...argv] : argv;
	const child = spawn(cmd, args, {
		env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', PROBE_WORKER: 'on', MONITORS_FILE: '', LOCATION: '' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stderr?.on('data', (d) => process.env.DEBUG_WORKERS && console.error(`[${location}] ${d}`));
	return child;
}

/** What was written, for a failure's message. */
async function dump(db: Database['db'], from: Date) {
	const r = await db.execute(sql`
		select l.monitor_id, l.ts, string_agg(l.location, ',' order by l.location) as locs,
			(select count(*) from check_results c where c.monitor_id = l.monitor_id
				and c.ts = extract(epoch from l.ts - timestamptz '2020-01-01Z')::int) as checks
		from location_results l where l.ts >= ${from.toISOString()}::timestamptz - interval '20 seconds' group by 1, 2 order by 2, 1`);
	return JSON.stringify((r as unknown as { rows: unknown[] }).rows);
}

const stop = (w: ChildProcess) =>
	new Promise<void>((resolve) => {
		if (w.exitCode !== null) return resolve();
		w.once('exit', () => resolve());
		w.kill('SIGTERM');
	});

describe.skipIf(reason !== null && !required)('three locations, one of them cut off, on one PostgreSQL', () => {
	let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
	let database: Database;
	let listener: Listener;
	const workers: ChildProcess[] = [];
	let nsMade = false;

	beforeAll(async () => {
		if (reason) throw new Error(`PORTHOLE_REQUIRE_NETNS=1 but ${reason}`);
		scratch = await createScratchPostgres();
		database = await openDatabase({ url: scratch.url, max: 2 });
		listener = await listen('127.0.0.1');
		const hosts = [{ host: '127.0.0.1', port: listener.port, timeout: 1000 }];
		const r = validateMonitorList([
			{ tag: 'plain', name: 'Default eval', type: 'TCP', cron: '*/5 * * * * *', type_data: { hosts } },
			{ tag: 'quorum', name: 'Quorum eval', type: 'TCP', cron: '*/5 * * * * *', type_data: { hosts }, eval: QUORUM }
		]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(database.db, r.value);
		ip('netns', 'add', NS);
		nsMade = true;
		// Up, so that a connect to 127.0.0.1 is refused rather than unreachable: the namespace's own loopback.
		ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
	});
	afterAll(async () => {
		for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
		if (nsMade) spawnSync('ip', ['netns', 'del', NS]);
		await database?.close();
		await scratch?.drop();
		await listener?.close();
	});

	it('writes three location results and one check per slot: default eval DOWN, quorum eval DEGRADED', { timeout: 90_000 }, async () => {
		const db = database.db;
		const url = new URL(scratch.url);
		const overSocket = `postgres://${url.username || 'postgres'}@localhost:${url.port || 5432}${url.pathname}?host=${encodeURIComponent(socketDir())}`;
		for (const l of HERE) workers.push(startWorker(scratch.url, l));
		workers.push(startWorker(overSocket, AWAY, NS));

		// All three heartbeats in: from the slot after next on, every location arms and probes every slot.
		for (let n = 0; n < 3;) {
			if (workers.some((w) => w.exitCode !== null)) throw new Error('a worker exited early (DEBUG_WORKERS=1 shows why)');
			n = (await db.select().from(locations)).length;
			await wait(100);
		}
		const first = new Date((Math.ceil(Date.now() / EVERY) + 1) * EVERY);
		const last = new Date(first.getTime() + (SLOTS - 1) * EVERY);
		const ids = Object.fromEntries((await db.select({ id: monitors.id, tag: monitors.tag }).from(monitors)).map((m) => [m.tag, m.id]));
		const written = async (id: number) => (await checksBetween(db, id, first, new Date(last.getTime() + 1000))).length;
		for (;;) {
			if ((await written(ids.plain)) === SLOTS && (await written(ids.quorum)) === SLOTS) break;
			if (Date.now() > last.getTime() + 3 * EVERY) throw new Error(`checks of the steady slots did not arrive: ${await dump(db, first)}`);
			await wait(200);
		}
		await Promise.all(workers.map(stop));

		expect(listener.accepted).toBeGreaterThanOrEqual(2 * 2 * SLOTS);
		for (const tag of ['plain', 'quorum'] as const) {
			const id = ids[tag];
			const checks = await checksBetween(db, id, first, new Date(last.getTime() + 1000));
			expect(checks.map((c) => c.ts.getTime())).toEqual(Array.from({ length: SLOTS }, (_, i) => first.getTime() + i * EVERY));
			for (const c of checks) {
				expect(c.status, `${tag} ${c.ts.toISOString()}`).toBe(tag === 'plain' ? 'DOWN' : 'DEGRADED');
				// The check's pings: all locations', ordered by location (the stored format has no location).
				expect(c.pings.map((p) => p.status)).toEqual(['error', 'open', 'open']);
				expect(c.pings[0].error).toMatch(/ECONNREFUSED/);
				const rows = await db
					.select()
					.from(locationResults)
					.where(and(eq(locationResults.monitorId, id), eq(locationResults.ts, c.ts)))
					.orderBy(locationResults.location);
				expect(rows.map((r) => [r.location, r.pings.map((p) => p.status)])).toEqual([
					[AWAY, ['error']],
					[HERE[0], ['open']],
					[HERE[1], ['open']]
				]);
				expect(rows[0].latency).toBeNull();
				expect(rows[1].latency).toBeGreaterThan(0);
				// The quorum eval averages the open pings: the two locations that reached the service.
				if (tag === 'quorum') expect(c.latency).toBeCloseTo((rows[1].latency! + rows[2].latency!) / 2, 6);
				// The one claim of the slot belongs to a location worker that evaluated it.
				const claims = await db
					.select()
					.from(slotClaims)
					.where(and(eq(slotClaims.monitorId, id), eq(slotClaims.ts, c.ts)));
				expect(claims).toHaveLength(1);
			}
		}
		// Never more than three results for any slot, and no check without its results.
		const perSlot = await db.execute(
			sql`select max(n)::int as most from (select count(*) as n from location_results group by monitor_id, ts) s`
		);
		expect((perSlot as unknown as { rows: { most: number }[] }).rows[0].most).toBe(3);
		const total = await db
			.select({ n: sql<number>`count(*)::int` })
			.from(locationResults)
			.where(gte(locationResults.ts, first));
		expect(total[0].n).toBeGreaterThanOrEqual(3 * 2 * SLOTS);
	});
});
