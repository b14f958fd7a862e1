// Status page benchmark: `npx tsx bench/pages.ts [--monitors 1000] [--baseline 10] [--requests 200]`
// (run `npm run build` first). Prints figures, no pass/fail.
//
// On real Postgres (scratch databases from createScratchPostgres, dropped at
// the end), with demo history seeded by the same seeder as `npm run demo`:
//   1. seeding time for the big database (target: 1,000 × 90 days < 5 min);
//   2. server time for `/` and a monitor page, p50/p95 over N sequential
//      requests from this process to a built server in a child process, at
//      the big size and at the baseline size measured in the same run;
//   3. database statements per page (counted with postgres.js's debug hook),
//      which must not grow with the monitor count;
//   4. transfer of `/` in Chromium (HTML + JS + CSS), as served and gzipped,
//      at 50 monitors and at the big size.
// BENCH_REUSE_<N>=postgres://… reuses an already seeded database of N monitors.
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { chromium } from '@playwright/test';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { openDatabase } from '../src/lib/server/db/index';
import { seedDemo } from '../src/lib/server/demo/seed';
import { copyWriter } from '../src/lib/server/demo/copy';
import { drizzle } from 'drizzle-orm/postgres-js';
import { schema, type Db } from '../src/lib/server/db/index';
import { homeData, monitorPage } from '../src/lib/server/status-pages';
import { createIncident, createMaintenance } from '../src/lib/server/notices/service';
import { freePort } from '../tests/fixtures/net';

const { values } = parseArgs({
	options: {
		monitors: { type: 'string', default: '1000' },
		baseline: { type: 'string', default: '10' },
		days: { type: 'string', default: '90' },
		requests: { type: 'string', default: '200' }
	}
});
const BIG = Number(values.monitors);
const SMALL = Number(values.baseline);
const DAYS = Number(values.days);
const REQUESTS = Number(values.requests);
const MID = 50;

interface Site {
	n: number;
	url: string;
	drop: () => Promise<void>;
	seedSeconds: number | null;
}

async function prepare(n: number): Promise<Site> {
	const reuse = process.env[`BENCH_REUSE_${n}`];
	if (reuse) return { n, url: reuse, drop: async () => {}, seedSeconds: null };
	const scratch = await createScratchPostgres();
	const database = await openDatabase({ url: scratch.url, max: 2 });
	const writer = copyWriter(scratch.url);
	const t0 = Date.now();
	try {
		await seedDemo(database.db, { monitors: n, days: DAYS, timeZone: 'UTC', port: 9, seed: 1, writer });
		await seedNotices(database.db);
	} finally {
		await writer.close();
		await database.close();
	}
	return { n, url: scratch.url, drop: scratch.drop, seedSeconds: (Date.now() - t0) / 1000 };
}

/**
 * What the home page shows above the monitors on a bad day: 5 active
 * incidents and 20 maintenance windows (10 in progress or coming within the
 * week, 10 nightly), each naming demo monitors.
 */
async function seedNotices(db: Db) {
	const tags = (await db.query.monitors.findMany({ columns: { tag: true } })).map((m) => m.tag).sort();
	const deps = { database: { db }, notices: { refresh: async () => {} }, scheduler: null };
	const now = Date.now();
	for (let i = 0; i < 5; i++) {
		const r = await createIncident(
			deps,
			{
				title: `Bench incident ${i}`,
				impact: ['minor', 'major', 'critical'][i % 3],
				state: 'investigating',
				body: 'Looking into it.',
				monitors: [{ tag: tags[i % tags.length] }]
			},
			null
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
	}
	for (let i = 0; i < 20; i++) {
		const window =
			i < 10
				? {
						start: new Date(now + (i - 2) * 12 * 3_600_000).toISOString(),
						end: new Date(now + ((i - 2) * 12 + 25) * 3_600_000).toISOString()
					}
				: { rrule: 'FREQ=DAILY', dtstart: '2026-01-01T02:00', durationMinutes: 30, timeZone: 'UTC' };
		const r = await createMaintenance(deps, {
			title: `Bench window ${i}`,
			description: 'Planned.',
			monitors: [tags[i % tags.length]],
			window
		});
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
	}
}

async function startServer(url: string): Promise<{ base: string; child: ChildProcess }> {
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['server.js'], {
		env: {
			...process.env,
			DATABASE_URL: url,
			PROBE_WORKER: 'off',
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			LOG_LEVEL: 'warn',
			RATE_LIMIT: 'off'
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	for (let i = 0; i < 100; i++) {
		try {
			if ((await fetch(`${base}/api/health`)).ok) return { base, child };
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	child.kill();
	throw new Error('server did not start');
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Sequential requests; each timed from send to the last body byte.
 * `identity` (the default) asks for an uncompressed body, so the figure is the
 * server's rendering time; `br` is what a browser gets (compression on the
 * server's thread pool plus decompression here).
 */
async function time(
	url: string,
	n: number,
	encoding: 'identity' | 'br' = 'identity'
): Promise<{ p50: number; p95: number; bytes: number }> {
	const init = { headers: { 'accept-encoding': encoding } };
	for (let i = 0; i < 10; i++) await (await fetch(url, init)).arrayBuffer();
	const t: number[] = [];
	let bytes = 0;
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		const r = await fetch(url, init);
		const body = await r.arrayBuffer();
		t.push(performance.now() - t0);
		if (!r.ok) throw new Error(`${url}: ${r.status}`);
		bytes = body.byteLength;
	}
	t.sort((a, b) => a - b);
	return { p50: pct(t, 50), p95: pct(t, 95), bytes };
}

/**
 * Statements each page's data costs, counted exactly with postgres.js's debug
 * hook while running the same page modules in this process. Home: the first
 * call also reads the finished days (cached for a minute), later calls don't.
 */
async function statements(dbUrl: string, tag: string): Promise<{ homeFirst: number; homeLater: number; monitor: number }> {
	let count = 0;
	const client = postgres(dbUrl, { max: 2, onnotice: () => {}, debug: () => void count++ });
	const db = drizzle(client, { schema }) as unknown as Db;
	const counted = async (f: () => Promise<unknown>) => {
		count = 0;
		await f();
		return count;
	};
	try {
		const home = () => homeData(db, { title: 'Status', timeZone: 'UTC' });
		const homeFirst = await counted(home);
		const homeLater = await counted(home);
		const monitor = await counted(() => monitorPage(db, { tag, timeZone: 'UTC' }));
		return { homeFirst, homeLater, monitor };
	} finally {
		await client.end();
	}
}

async function transfer(url: string) {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
	});
	try {
		const page = await browser.newPage();
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Network.enable');
		const wire = new Map<string, number>();
		const kinds = new Map<string, string>();
		cdp.on('Network.responseReceived', (e) => kinds.set(e.requestId, e.type));
		cdp.on('Network.loadingFinished', (e) => wire.set(e.requestId, e.encodedDataLength));
		const bodies: { type: string; raw: number; gz: number }[] = [];
		const pending: Promise<void>[] = [];
		page.on('response', (r) => {
			const type = r.request().resourceType();
			if (!['document', 'script', 'stylesheet'].includes(type)) return;
			pending.push(
				r.body().then(
					(b) => void bodies.push({ type, raw: b.length, gz: gzipSync(b, { level: 6 }).length }),
					() => {}
				)
			);
		});
		await page.goto(url, { waitUntil: 'networkidle' });
		await page.waitForTimeout(500);
		await Promise.all(pending);
		let wireTotal = 0;
		for (const [id, n] of wire) if (['Document', 'Script', 'Stylesheet'].includes(kinds.get(id) ?? '')) wireTotal += n;
		const sum = (f: (b: (typeof bodies)[number]) => number, type?: string) =>
			bodies.filter((b) => !type || b.type === type).reduce((a, b) => a + f(b), 0);
		return { files: bodies.length, raw: sum((b) => b.raw), gz: sum((b) => b.gz), htmlGz: sum((b) => b.gz, 'document'), wire: wireTotal };
	} finally {
		await browser.close();
	}
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
	console.log(`status page bench: ${BIG} vs ${SMALL} monitors × ${DAYS} days, ${REQUESTS} requests per page\n`);
	const sites: Site[] = [];
	const servers: ChildProcess[] = [];
	try {
		for (const n of [BIG, SMALL, MID]) {
			const s = await prepare(n);
			sites.push(s);
			console.log(`seeded ${n} monitors${s.seedSeconds === null ? ' (reused)' : ` in ${s.seedSeconds.toFixed(1)} s`}`);
		}
		const results = new Map<
			number,
			{
				home: Awaited<ReturnType<typeof time>>;
				homeBr: Awaited<ReturnType<typeof time>>;
				mon: Awaited<ReturnType<typeof time>>;
				qHome: string;
				qMon: string;
			}
		>();
		for (const s of sites.filter((x) => x.n !== MID)) {
			const { base, child } = await startServer(s.url);
			servers.push(child);
			const tag = `demo-${String(Math.ceil(s.n / 2)).padStart(String(s.n).length, '0')}`;
			const home = await time(`${base}/`, REQUESTS);
			const homeBr = await time(`${base}/`, REQUESTS, 'br');
			const mon = await time(`${base}/monitors/${tag}`, REQUESTS);
			const q = await statements(s.url, tag);
			results.set(s.n, { home, homeBr, mon, qHome: `${q.homeFirst} first, then ${q.homeLater}`, qMon: String(q.monitor) });
			child.kill();
		}
		const big = results.get(BIG)!;
		const small = results.get(SMALL)!;
		console.log('\npage            monitors   p50        p95        size      DB statements/request');
		for (const [n, r] of [
			[BIG, big],
			[SMALL, small]
		] as const) {
			console.log(
				`/               ${String(n).padEnd(10)} ${ms(r.home.p50).padEnd(10)} ${ms(r.home.p95).padEnd(10)} ${kb(r.home.bytes).padEnd(9)} ${r.qHome}`
			);
			console.log(
				`/ (br)          ${String(n).padEnd(10)} ${ms(r.homeBr.p50).padEnd(10)} ${ms(r.homeBr.p95).padEnd(10)} ${kb(r.homeBr.bytes).padEnd(9)} (brotli on the server, decompressed here)`
			);
			console.log(
				`/monitors/…     ${String(n).padEnd(10)} ${ms(r.mon.p50).padEnd(10)} ${ms(r.mon.p95).padEnd(10)} ${kb(r.mon.bytes).padEnd(9)} ${r.qMon}`
			);
		}
		console.log(
			`\nratio ${BIG}/${SMALL}: / p95 ${(big.home.p95 / small.home.p95).toFixed(1)}x (target < 10x, and < 150 ms; with br ${(big.homeBr.p95 / small.homeBr.p95).toFixed(1)}x), monitor page p95 ${(big.mon.p95 / small.mon.p95).toFixed(1)}x (target < 50 ms)`
		);

		console.log('\ntransfer of / in Chromium (HTML + JS + CSS):');
		for (const s of sites.filter((x) => x.n !== SMALL)) {
			const { base, child } = await startServer(s.url);
			servers.push(child);
			const t = await transfer(`${base}/`);
			child.kill();
			console.log(
				`  ${String(s.n).padEnd(5)} monitors: ${t.files} files, ${kb(t.raw)} raw, ${kb(t.gz)} gzipped (HTML ${kb(t.htmlGz)}), ${kb(t.wire)} on the wire as served` +
					` (target ${s.n <= MID ? '120 KB' : '1 MB'} gzipped)`
			);
		}
		const bigSite = sites.find((s) => s.n === BIG)!;
		if (bigSite.seedSeconds !== null) console.log(`\nseeding ${BIG} × ${DAYS} days: ${bigSite.seedSeconds.toFixed(0)} s (target < 300 s)`);
	} finally {
		for (const c of servers) c.kill();
		for (const s of sites) await s.drop().catch(() => {});
	}
}

await main();
