// Starts the built server for Playwright with a throwaway embedded database,
// and a monitors.json pointing at a TCP listener this script owns on
// 127.0.0.1, so pages show real checks. Nothing here touches another address.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'porthole-e2e-'));
// Run as root, the embedded PostgreSQL server runs as user postgres, which must reach DATA_DIR below (mkdtemp makes 0700).
chmodSync(dir, 0o755);
const listener = createServer((s) => s.end());
await new Promise((r) => listener.listen({ host: '127.0.0.1', port: 0 }, r));
const port = listener.address().port;

const monitors = [
	{
		tag: 'local-echo',
		name: 'Local echo',
		description: 'A listener started by the e2e server script',
		type: 'TCP',
		cron: '*/5 * * * * *',
		type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port, timeout: 1000 }] }
	},
	{
		tag: 'secret-hidden',
		name: 'Hidden internal thing',
		type: 'TCP',
		public: false,
		cron: '*/5 * * * * *',
		type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port, timeout: 1000 }] }
	},
	{
		// Public but switched off: must be as invisible as a hidden one.
		tag: 'paused-inactive',
		name: 'Paused maintenance thing',
		type: 'TCP',
		active: false,
		cron: '*/5 * * * * *',
		type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port, timeout: 1000 }] }
	}
];
writeFileSync(join(dir, 'monitors.json'), JSON.stringify(monitors, null, 2));

process.env.DATA_DIR = join(dir, 'data');
process.env.MONITORS_FILE = join(dir, 'monitors.json');
process.env.PORT ??= '4173';
process.env.HOST ??= '127.0.0.1';
process.env.ORIGIN ??= `http://127.0.0.1:${process.env.PORT}`;
// E2E_DATABASE=postgres (playwright.pg.config.ts): the production path, a
// throwaway database on the local PostgreSQL (TEST_DATABASE_URL, DATABASE_URL
// or CI's 127.0.0.1:5432/test), named by port and dropped by the config's teardown. Otherwise the
// embedded default in the temp folder.
if (process.env.E2E_DATABASE === 'postgres') {
	const { e2eDatabaseUrl, resetE2eDatabase } = await import('../tests/support/e2e-database.js');
	await resetE2eDatabase(process.env.PORT);
	process.env.DATABASE_URL = e2eDatabaseUrl(process.env.PORT);
} else {
	delete process.env.DATABASE_URL;
}
// Tests hammer one address (the guard walk, property tests); rate limiting has its own test server.
process.env.RATE_LIMIT ??= 'off';
// History for the status pages: demo monitors (pointing at the same local
// listener) with 90 days of rollups, including a known 42-minute outage on
// demo-1 three days ago. Seeded (by its own process, which starts and stops the
// embedded server) before the server opens the data folder.
execFileSync('npx', ['tsx', 'scripts/demo.ts', '--monitors', '4', '--days', '90', '--port', String(port), '--seed', '7'], {
	stdio: 'inherit',
	env: process.env
});
console.log(`e2e server: data in ${dir}, echo listener on 127.0.0.1:${port}`);

// The server prints its one-time setup link to the log, as it would for a
// real operator. Copy that log line into a file the Playwright test reads (a
// file next to the log, never an HTTP route).
const setupLinkFile = join(tmpdir(), `porthole-e2e-${process.env.PORT}-setup-link.txt`);
rmSync(setupLinkFile, { force: true });
for (const stream of ['log', 'error']) {
	const original = console[stream].bind(console);
	console[stream] = (...args) => {
		const m = /https?:\/\/\S+\/admin\/setup\/\S+/.exec(args.map(String).join(' '));
		if (m) writeFileSync(setupLinkFile, m[0]);
		original(...args);
	};
}
// Where the server's database is, for tests that set up what no public route
// writes yet (incidents and maintenance): the PostgreSQL URL, or the embedded
// server's Unix socket in the data folder (its cluster is DATA_DIR/postgres).
writeFileSync(
	join(tmpdir(), `porthole-e2e-${process.env.PORT}-database-url.txt`),
	process.env.DATABASE_URL ??
		`postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(join(process.env.DATA_DIR, 'postgres'))}`
);
// The production entry (npm start): adapter-node's handler behind the badge/JSON fast path.
await import('../server.js');
