// Idle CPU of the whole app: `npx tsx bench/idle.ts [--monitors 200] [--minutes 4] [--warmup 1]`.
//
// Needs `npm run build` first. Starts `node server.js` as `npm start` does,
// on the embedded database (PostgreSQL in a temporary DATA_DIR; DATABASE_URL is
// ignored here), with MONITORS_FILE holding --monitors monitors of one host
// each, every minute, pointing at a listener on 127.0.0.1 in this process.
// Nobody requests pages: what it costs is the probe loop, the write path,
// the snapshot refreshes and timers. CPU = utime + stime of the server
// process (all its threads) and of all its descendants (the embedded
// PostgreSQL server and its backends) from /proc, over --minutes whole
// minutes after --warmup minutes, as % of one core. The target is under
// 3.9 %: Kener's figure on the same machine, 3.4 % plus 0.5 % for its Redis.
// NODE_OPTIONS is passed through. --cpu-prof-dir <dir> runs the server with
// --cpu-prof (not allowed in NODE_OPTIONS) writing there. --root <dir>
// runs another build for A/B comparisons in the same conditions: a folder
// with server.js, package.json, build/, drizzle/, node_modules and src/ (the
// worker files are started from src/ by package self-reference: without them
// every eval worker dies at start and is replaced, a busy loop of its own).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, processTree, sleep, textArg, treeCpuMs } from './lib';
import { listen } from '../tests/fixtures/net';

const N = arg('monitors', 200, 1, 5000);
const MINUTES = arg('minutes', 4, 1, 60);
const WARMUP = arg('warmup', 1, 0, 10);
const TARGET = 3.9;
const PROF = textArg('cpu-prof-dir');
const ROOT = textArg('root') ?? fileURLToPath(new URL('..', import.meta.url));

async function main() {
	const listener = await listen('127.0.0.1');
	const { port } = listener;
	const dir = mkdtempSync(join(tmpdir(), 'porthole-idle-'));
	const file = join(dir, 'monitors.json');
	writeFileSync(
		file,
		JSON.stringify(
			Array.from({ length: N }, (_, i) => ({
				tag: `idle-${i + 1}`,
				name: `Idle ${i + 1}`,
				type: 'TCP',
				type_data: { hosts: [{ host: '127.0.0.1', port }] },
				cron: '* * * * *'
			}))
		)
	);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		DATA_DIR: join(dir, 'data'),
		MONITORS_FILE: file,
		PORT: '0',
		HOST: '127.0.0.1',
		SITE_TIMEZONE: 'UTC',
		LOG_LEVEL: 'warn'
	};
	delete env.DATABASE_URL;
	const child = spawn(process.execPath, [...(PROF ? ['--cpu-prof', '--cpu-prof-dir', PROF] : []), 'server.js'], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'inherit', 'inherit']
	});
	const stop = async () => {
		child.kill('SIGTERM');
		await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
		await listener.close();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		// Everything Porthole runs: the node process's threads and the embedded PostgreSQL server's processes.
		const cpu = () => treeCpuMs(child.pid!);
		console.log(
			`idle bench: ${N} monitors × 1 host every minute, embedded database, ${cpus().length} CPU(s), root ${ROOT}; warm-up ${WARMUP} min, measuring ${MINUTES} min`
		);
		await sleep(WARMUP * 60_000 + 5000);
		console.log(`  processes: ${processTree(child.pid!).length} (node and the embedded PostgreSQL server's)`);
		const c0 = cpu();
		const t0 = performance.now();
		const perMinute: number[] = [];
		let last = c0!;
		for (let m = 0; m < MINUTES; m++) {
			await sleep(60_000);
			const c = cpu();
			if (c === null) throw new Error('server exited');
			perMinute.push(((c - last) / 60_000) * 100);
			last = c;
		}
		const pct = ((last - c0!) / (performance.now() - t0)) * 100;
		console.log(`  per minute: ${perMinute.map((p) => `${p.toFixed(2)} %`).join(', ')}`);
		console.log(`${pct < TARGET ? 'PASS' : 'FAIL'}: idle CPU ${pct.toFixed(2)} % of a core (target < ${TARGET} %)`);
		process.exitCode = pct < TARGET ? 0 : 1;
	} finally {
		await stop();
	}
}

await main();
