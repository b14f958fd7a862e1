// First run, exactly as the README says: `npm start` after the build, with no
// ORIGIN and none of the README's variables set (the suite's own server sets
// ORIGIN, which once hid that every form post failed without it). The server
// starts in a folder of its own (so its ./data is new and nobody else's), on
// the default port 3000; the test follows the setup link it prints, creates
// the admin, signs out and in, saves a monitor against a listener it owns on
// 127.0.0.1, and sees it on /. One server start for this file.
import { test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, type Listener } from '../fixtures/net';
import { expect } from './admin-helpers';

test.describe.configure({ mode: 'serial' });

/** Every variable the README documents, and adapter-node's: none may be set for this start. */
const README_VARIABLES = [
	'DATABASE_URL',
	'DATA_DIR',
	'MONITORS_FILE',
	'CHANNELS_FILE',
	'PROBE_WORKER',
	'MAX_SOCKETS',
	'EVAL_TIMEOUT_MS',
	'EVAL_MEMORY_MB',
	'EVAL_WORKERS',
	'EVAL_QUARANTINE_AFTER_MS',
	'EVAL_QUARANTINE_WORKERS',
	'OUTAGE_BUFFER_MINUTES',
	'RETENTION_DAYS',
	'BADGE_MAX_AGE',
	'RATE_LIMIT',
	'TRUSTED_PROXY_HEADER',
	'SITE_TITLE',
	'SITE_TIMEZONE',
	'PORT',
	'HOST',
	'ORIGIN',
	'ADDRESS_HEADER',
	'XFF_DEPTH',
	'SHUTDOWN_TIMEOUT',
	'ADMIN_EMAIL',
	'ADMIN_PASSWORD',
	'PROTOCOL_HEADER',
	'HOST_HEADER',
	'PORT_HEADER',
	'BODY_SIZE_LIMIT',
	'SOCKET_PATH'
];

const EMAIL = 'first@porthole.test';
const PASSWORD = 'first run passphrase';

let dir: string;
let server: ChildProcess;
let log = '';
let listener: Listener | undefined;
let port: number;

async function waitForLog(re: RegExp, ms = 60_000): Promise<RegExpExecArray> {
	await expect.poll(() => re.test(log), { timeout: ms, message: `server log to show ${re}; log so far:\n${log}` }).toBe(true);
	return re.exec(log)!;
}

test.beforeAll(async () => {
	// Port 3000 is the README's; say so plainly if something else has it.
	const probe = createServer();
	await new Promise<void>((ok, fail) =>
		probe
			.once('error', (e) => fail(new Error(`port 3000 is taken, the first-run test needs it: ${e.message}`)))
			.listen(3000, '0.0.0.0', () => ok())
	);
	await new Promise<void>((r) => probe.close(() => r()));

	// The checkout's build and server, from a folder whose ./data is new.
	dir = mkdtempSync(join(tmpdir(), 'porthole-first-run-'));
	for (const f of ['package.json', 'server.js']) symlinkSync(join(process.cwd(), f), join(dir, f));
	const env = { ...process.env };
	for (const v of README_VARIABLES) delete env[v];
	server = spawn('npm', ['start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	server.stdout!.on('data', (d) => (log += d));
	server.stderr!.on('data', (d) => (log += d));

	listener = await listen('127.0.0.1');
	port = listener.port;
});

test.afterAll(async () => {
	if (server?.pid) {
		// npm and node: stop the whole group, and wait so the data folder is released.
		const exited = new Promise((r) => server.once('exit', r));
		process.kill(-server.pid, 'SIGTERM');
		await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
	}
	await listener?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

async function createMonitor(page: Page) {
	await page.getByRole('link', { name: 'New monitor' }).first().click();
	await expect(page.locator('.cm-editor')).toBeVisible();
	await page.getByLabel('Name', { exact: true }).fill('First database');
	await page.getByLabel(/^Tag/).fill('first-db');
	await page.getByLabel('Schedule (cron)').fill('*/5 * * * * *');
	await page.getByLabel('Host 0', { exact: true }).fill('127.0.0.1');
	await page.getByLabel('Port of host 0').fill(String(port));
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page).toHaveURL(/\/admin\/monitors\/first-db\/edit\?saved=created$/);
}

test('first run as the README says: the printed link, an admin, sign out and in, a monitor on the status page', async ({ page }) => {
	test.setTimeout(150_000);
	const opened = await waitForLog(/Open (http:\/\/\S+) in a browser/);
	expect(opened[1]).toBe('http://localhost:3000');
	expect(log).toMatch(/set ORIGIN to the public URL/);
	const link = (await waitForLog(/(http:\/\/localhost:3000\/admin\/setup\/[A-Za-z0-9_-]{43})\b/))[1];
	expect(log).not.toMatch(/DATABASE_URL|postgres:\/\//);

	// The link exactly as printed, in the browser.
	await page.goto(link, { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel(/^Password/).fill(PASSWORD);
	await page.getByLabel('Repeat password').fill(PASSWORD);
	await page.getByRole('button', { name: /Create admin/ }).click();
	await expect(page).toHaveURL('http://localhost:3000/admin/monitors');
	const cookie = (await page.context().cookies()).find((c) => c.name === 'porthole_session');
	expect(cookie, 'session cookie stored over plain http').toBeTruthy();
	expect(cookie!.secure).toBe(false);

	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/admin\/login/);
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL('http://localhost:3000/admin/monitors');

	await createMonitor(page);
	await page.goto('http://localhost:3000/');
	await expect(page.getByText('First database')).toBeVisible();
	// The probe loop runs on the embedded database: the first check (every 5 s) turns the page green.
	await expect
		.poll(async () => (await page.reload(), await page.locator('main').innerText()), { timeout: 30_000 })
		.toContain('All systems operational');
	await page.screenshot({ path: 'tests/artifacts/first-run-home.png' });

	// The same server by its address instead of its name: the origin is the host the browser used.
	await page.goto('http://127.0.0.1:3000/admin/login', { waitUntil: 'networkidle' });
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL('http://127.0.0.1:3000/admin/monitors');
	await expect(page.locator('tbody tr[data-tag="first-db"]')).toHaveCount(1);
});

test('a spoofed protocol header does not change what the server believes it speaks', async ({ request }) => {
	const r = await request.post('http://localhost:3000/admin/login', {
		headers: {
			'x-porthole-server-protocol': 'https',
			origin: 'https://localhost:3000',
			'content-type': 'application/x-www-form-urlencoded'
		},
		data: 'email=x%40y.z&password=x',
		maxRedirects: 0,
		failOnStatusCode: false
	});
	expect(r.status()).toBe(403);
	expect(await r.text()).toMatch(/Cross-site POST form submissions are forbidden/);
});
