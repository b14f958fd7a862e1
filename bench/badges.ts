// Badge and public-JSON benchmark: `npx tsx bench/badges.ts`. Prints figures, no pass/fail.
//
// Creates a scratch Postgres database (TEST_DATABASE_URL / DATABASE_URL or
// the local server), seeds 1,000 public monitors with 90 days of rollups
// (built with the one rollup formula) and a live check each (recordCheck),
// starts the built server as `npm start` does (`node server.js`, PROBE_WORKER=off:
// the badge snapshot then refreshes from the database, as with a separate
// worker process), and runs autocannon in a second process: 100 connections
// for 20 s per URL. Baseline in the same run: /api/health (one `select 1` per
// request, through SvelteKit). Target: each badge ≥ 50 % of health's
// requests/s, p99 < 50 ms. Each run also prints the CPU share of the server
// and of autocannon (Linux /proc), to tell which side was the limit, and a
// last run measures the floor for the big uncompressed summary.json: a bare
// node:http server sending the same bytes, i.e. what autocannon on this
// machine can take in at all.
//
// BENCH_SECONDS and BENCH_CONNECTIONS override the defaults (20, 100);
// BENCH_ENTRY=build runs adapter-node's own server (`node build`, every
// request through SvelteKit) instead of server.js, for comparison;
// BENCH_SEED_ONLY=1 seeds, times a snapshot rebuild, keeps the database and stops.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/index';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { checkDays, checkHours, monitors } from '../src/lib/server/db/schema';
import { recordCheck } from '../src/lib/server/db/queries/checks';
import { mergeDelta, rollupDelta, type RollupDelta } from '../src/lib/server/db/queries/rollup';
import { dayKey, hourBucket } from '../src/lib/time';
import type { MonitorStatus } from '../src/lib/server/types';
import { StatusSnapshot } from '../src/lib/server/snapshot';
import { freePort } from '../tests/fixtures/net';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MONITORS = 1000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const ENTRY = process.env.BENCH_ENTRY === 'build' ? 'build' : 'server.js';

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same data. */
function rng(seed: number) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function pickStatus(r: number): MonitorStatus {
	return r < 0.97 ? 'UP' : r < 0.985 ? 'DEGRADED' : r < 0.997 ? 'DOWN' : 'MAINTENANCE';
}

/** One bucket's rollup: `n` simulated minute checks folded through rollupDelta/mergeDelta. */
function bucket(rand: () => number, n: number): RollupDelta {
	let d = rollupDelta(pickStatus(rand()), 5 + rand() * 20);
	for (let i = 1; i < n; i++) d = mergeDelta(d, rollupDelta(pickStatus(rand()), 5 + rand() * 20));
	return d;
}

async function seed(url: string) {
	const t0 = performance.now();
	const database = await openDatabase({ url, max: 4 });
	const { db } = database;
	try {
		const rows = Array.from({ length: MONITORS }, (_, i) => ({
			tag: `svc-${String(i).padStart(4, '0')}`,
			name: `Service ${i}`,
			description: `Benchmark monitor ${i}`,
			typeData: { hosts: [{ type: 'tcp' as const, host: '127.0.0.1', port: 9, timeout: 1000 }] },
			groupName: i % 10 === 0 ? null : `Group ${i % 10}`,
			sortOrder: i
		}));
		const ids: number[] = [];
		for (let i = 0; i < rows.length; i += 500) {
			const r = await db
				.insert(monitors)
				.values(rows.slice(i, i + 500))
				.returning({ id: monitors.id });
			ids.push(...r.map((x) => x.id));
		}
		const now = new Date();
		const rand = rng(42);
		const thisHour = hourBucket(now).getTime();
		const today = dayKey(now, 'UTC');
		// Past 47 hours (the current hour comes from the live check below) and 89 past days.
		const hours: (typeof checkHours.$inferInsert)[] = [];
		const days: (typeof checkDays.$inferInsert)[] = [];
		for (const id of ids) {
			for (let h = 1; h <= 47; h++) hours.push({ monitorId: id, bucket: new Date(thisHour - h * 3_600_000), ...bucket(rand, 6) });
			for (let d = 1; d <= 89; d++) {
				const day = new Date(`${today}T00:00:00Z`);
				day.setUTCDate(day.getUTCDate() - d);
				days.push({ monitorId: id, day: day.toISOString().slice(0, 10), ...bucket(rand, 6) });
			}
		}
		for (let i = 0; i < hours.length; i += 2000) await db.insert(checkHours).values(hours.slice(i, i + 2000));
		for (let i = 0; i < days.length; i += 2000) await db.insert(checkDays).values(days.slice(i, i + 2000));
		// The latest check of each monitor through the real write path (checks, rollups, monitor_state).
		const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
		for (let i = 0; i < ids.length; i += 25) {
			await Promise.all(
				ids
					.slice(i, i + 25)
					.map((id) => recordCheck(db, { monitorId: id, ts: slot, status: pickStatus(rand()), latency: 5 + rand() * 20, pings: [] }, 'UTC'))
			);
		}
		await db.execute(sql`analyze`);
		console.log(
			`seeded ${ids.length} monitors, ${hours.length} hour and ${days.length} day rollups, ${ids.length} live checks in ${((performance.now() - t0) / 1000).toFixed(1)} s`
		);
	} finally {
		await database.close();
	}
}

/** What the server does in the background: status-now refreshes every 5 s, full rebuilds every 30 s (1,000 monitors). */
async function timeRebuild(url: string) {
	const database = await openDatabase({ url, max: 2, migrate: false });
	try {
		const time = async (snap: StatusSnapshot, n: number) => {
			const times: number[] = [];
			for (let i = 0; i < n; i++) {
				const t0 = performance.now();
				await snap.refresh();
				times.push(performance.now() - t0);
			}
			if (snap.lastError) throw new Error(snap.lastError);
			const avg = times.reduce((a, b) => a + b, 0) / times.length;
			return `avg ${avg.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`;
		};
		const full = new StatusSnapshot({ db: database.db, timeZone: 'UTC', fullRefreshMs: 0 });
		await full.refresh(); // warms the connection and plan cache
		const fullText = await time(full, 5);
		const fast = new StatusSnapshot({ db: database.db, timeZone: 'UTC' });
		await fast.refresh();
		const fastText = await time(fast, 5);
		console.log(`snapshot, 1,000 monitors (wall time incl. Postgres): full rebuild ${fullText}; status-now refresh ${fastText}`);
	} finally {
		await database.close();
	}
}

/** A bare node:http server (own process) answering every request with the bytes in `file`. */
async function startFloor(file: string, contentType: string, port: number): Promise<ChildProcess> {
	const script = `const b=require('fs').readFileSync(${JSON.stringify(file)});require('http').createServer((q,s)=>{s.writeHead(200,{'content-type':${JSON.stringify(contentType)},'content-length':b.length});s.end(b)}).listen(${port},'127.0.0.1',()=>console.log('up'))`;
	const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
	await new Promise<void>((resolve, reject) => {
		child.stdout!.once('data', () => resolve());
		child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
	});
	return child;
}

async function startServer(url: string, port: number): Promise<ChildProcess> {
	const env: NodeJS.ProcessEnv = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		DATABASE_URL: url,
		PROBE_WORKER: 'off',
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: `http://127.0.0.1:${port}`,
		LOG_LEVEL: 'warn',
		// The bench is one client hammering on purpose: measure the server, not the rate limit.
		RATE_LIMIT: 'off',
		NODE_ENV: 'production'
	};
	const child = spawn(process.execPath, [ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
		try {
			const r = await fetch(`http://127.0.0.1:${port}/api/health`);
			if (r.ok) return child;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	child.kill('SIGTERM');
	throw new Error('server did not become healthy within 60 s');
}

interface Result {
	name: string;
	rps: number;
	p50: number;
	p99: number;
	non2xx: number;
	errors: number;
	bytes: number;
	/** CPU time over wall time (1 = one core busy), or null without /proc. */
	serverCpu: number | null;
	cannonCpu: number | null;
}

/** CPU seconds a process has used so far (Linux /proc; utime + stime at the usual 100 ticks/s), or null. */
function cpuSeconds(pid: number | undefined): number | null {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return null;
	}
}

let serverPid: number | undefined;

/** autocannon in its own process, so the load generator never shares the server's event loop. */
function cannon(name: string, url: string, seconds: number, headers: string[] = []): Promise<Result> {
	return new Promise((resolve, reject) => {
		const bin = fileURLToPath(import.meta.resolve('autocannon/autocannon.js'));
		const h = headers.flatMap((x) => ['-H', x]);
		const child = spawn(process.execPath, [bin, '-j', '-n', '-c', String(CONNECTIONS), '-d', String(seconds), ...h, url], {
			stdio: ['ignore', 'pipe', 'inherit']
		});
		let out = '';
		const t0 = performance.now();
		const server0 = cpuSeconds(serverPid);
		// autocannon's own CPU, sampled just before it exits (its startup is not load).
		let cannonCpu: number | null = null;
		const sample = setTimeout(
			() => {
				const c = cpuSeconds(child.pid);
				cannonCpu = c === null ? null : c / ((performance.now() - t0) / 1000);
			},
			Math.max(0, seconds * 1000 - 200)
		);
		child.stdout.on('data', (b) => (out += b));
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(sample);
			if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
			const server1 = cpuSeconds(serverPid);
			const wall = (performance.now() - t0) / 1000;
			const j = JSON.parse(out);
			resolve({
				name,
				rps: j.requests.average,
				p50: j.latency.p50,
				p99: j.latency.p99,
				non2xx: j.non2xx,
				errors: j.errors + j.timeouts,
				bytes: j.throughput.average,
				serverCpu: server0 === null || server1 === null ? null : (server1 - server0) / wall,
				cannonCpu
			});
		});
	});
}

async function main() {
	console.log(
		`badge bench — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'}), load average ${loadavg()[0].toFixed(1)} at start`
	);
	if (!existsSync(`${ROOT}/build/index.js`)) {
		console.log('no build/ yet: running vite build');
		const b = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
		if (b.status !== 0) throw new Error('build failed');
	}
	const scratch = await createScratchPostgres();
	let server: ChildProcess | null = null;
	let keep = false;
	try {
		// Migrations run when the server starts; seed after that, against the same schema.
		const migrated = await openDatabase({ url: scratch.url, max: 1 });
		await migrated.close();
		await seed(scratch.url);
		await timeRebuild(scratch.url);
		if (process.env.BENCH_SEED_ONLY) {
			// For profiling queries by hand: keep the database and stop here.
			console.log(`BENCH_SEED_ONLY: kept ${scratch.url}`);
			keep = true;
			return;
		}
		const port = await freePort();
		server = await startServer(scratch.url, port);
		serverPid = server.pid;
		const base = `http://127.0.0.1:${port}`;
		const tag = 'svc-0421';
		const targets: [string, string, string[]?][] = [
			['/api/health (baseline)', `${base}/api/health`],
			['status.svg', `${base}/badge/${tag}/status.svg`],
			['uptime.svg?window=30d', `${base}/badge/${tag}/uptime.svg?window=30d`],
			['summary.json (1,000 components)', `${base}/api/v2/summary.json`],
			['summary.json, Accept-Encoding gzip', `${base}/api/v2/summary.json`, ['accept-encoding=gzip']]
		];
		for (const [, url] of targets) {
			const r = await fetch(url);
			if (!r.ok) throw new Error(`${url} answered ${r.status}`);
		}
		const summaryBytes = (await (await fetch(`${base}/api/v2/summary.json`)).text()).length;
		console.log(`server: node ${ENTRY} on ${base} (PROBE_WORKER=off); summary.json is ${(summaryBytes / 1024).toFixed(0)} KB`);
		console.log(`autocannon: ${CONNECTIONS} connections, ${SECONDS} s per URL (after a 3 s warm-up each)\n`);

		// Health runs first and last; ratios use the mean of the two, so a
		// machine whose load drifts during the run skews them less.
		const results: Result[] = [];
		for (const [name, url, headers] of [...targets, targets[0]]) {
			await cannon(name, url, 3, headers);
			const r = await cannon(name, url, SECONDS, headers);
			results.push(r);
			console.log(`  done: ${name} (load average ${loadavg()[0].toFixed(1)})`);
		}
		// The floor: the same summary.json bytes from a server that does nothing else.
		const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-'));
		const file = join(dir, 'summary.json');
		writeFileSync(file, Buffer.from(await (await fetch(`${base}/api/v2/summary.json`)).arrayBuffer()));
		const floorPort = await freePort();
		const floor = await startFloor(file, 'application/json; charset=utf-8', floorPort);
		let floorResult: Result;
		try {
			serverPid = floor.pid;
			await cannon('floor', `http://127.0.0.1:${floorPort}/`, 3);
			floorResult = await cannon('bare node:http, same summary bytes', `http://127.0.0.1:${floorPort}/`, SECONDS);
			console.log(`  done: floor (load average ${loadavg()[0].toFixed(1)})`);
		} finally {
			floor.kill('SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		}
		const last = results.pop()!;
		const base0 = { ...results[0], rps: (results[0].rps + last.rps) / 2 };
		console.log(`health, first and last run: ${results[0].rps.toFixed(0)} and ${last.rps.toFixed(0)} req/s; ratios use the mean`);
		const pad = (s: string, n: number) => s.padEnd(n);
		const num = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
		const pct = (v: number | null) => (v === null ? '?' : `${num(v * 100)}%`);
		console.log(
			`\n${pad('endpoint', 36)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'MB/s'.padStart(8)}${'vs health'.padStart(11)}${'CPU srv/ac'.padStart(13)}  non-2xx/errors`
		);
		for (const r of [...results, last, floorResult]) {
			const ratio = r.rps / base0.rps;
			console.log(
				`${pad(r === last ? '/api/health (again)' : r.name, 36)}${num(r.rps).padStart(9)}${num(r.p50).padStart(9)}${num(r.p99).padStart(9)}${num(r.bytes / 1e6, 1).padStart(8)}${`${num(ratio * 100)} %`.padStart(11)}${`${pct(r.serverCpu)}/${pct(r.cannonCpu)}`.padStart(13)}  ${r.non2xx}/${r.errors}`
			);
		}
		console.log('CPU srv/ac: share of one core used by the server and by autocannon during the run (2 cores: 100% each is the most)');
		console.log('the last line is not Porthole: a bare server sending the same summary.json bytes, the most this client takes in here');
		console.log('\ntarget: each badge ≥ 50 % of health req/s and p99 < 50 ms');
		for (const r of results.slice(1)) {
			const ok = r.rps >= 0.5 * base0.rps && r.p99 < 50;
			console.log(`  ${ok ? 'meets' : 'MISSES'} target: ${r.name} (${num((r.rps / base0.rps) * 100)} %, p99 ${num(r.p99)} ms)`);
		}
	} finally {
		if (server && server.exitCode === null) {
			server.kill('SIGTERM');
			await new Promise((r) => {
				const t = setTimeout(() => (server!.kill('SIGKILL'), r(null)), 15_000);
				server!.once('exit', () => (clearTimeout(t), r(null)));
			});
		}
		if (!keep) await scratch.drop();
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
