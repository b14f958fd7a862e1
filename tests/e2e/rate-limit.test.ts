// Rate limiting through the real built server. The shared e2e server runs
// with RATE_LIMIT=off (its tests hammer one address), which the last test
// proves; the limit itself is tested on two short-lived servers of our own
// with a tiny limit: one by socket address, one behind a trusted proxy header.
import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fixtures/net';
import { expect } from './admin-helpers';

interface Server {
	base: string;
	child: ChildProcess;
	dir: string;
}

async function startServer(extra: Record<string, string>): Promise<Server> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'porthole-rl-'));
	chmodSync(dir, 0o755); // as root, the embedded server runs as user postgres and must reach DATA_DIR
	const base = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['server.js'], {
		env: {
			PATH: process.env.PATH,
			HOME: process.env.HOME,
			DATA_DIR: join(dir, 'data'),
			PROBE_WORKER: 'off',
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			LOG_LEVEL: 'warn',
			...extra
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	await expect
		.poll(
			async () => {
				if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
				return fetch(`${base}/api/health`).then(
					(r) => r.status,
					() => 0
				);
			},
			{ timeout: 60_000, intervals: [250] }
		)
		.toBe(200);
	return { base, child, dir };
}

async function stop(s: Server) {
	const exited = new Promise((r) => s.child.once('exit', r));
	s.child.kill('SIGTERM');
	await exited;
	rmSync(s.dir, { recursive: true, force: true });
}

test('over the limit a client gets 429 with Retry-After; health and admin are exempt', async () => {
	test.setTimeout(120_000);
	const [plain, proxied, adapterAddress] = await Promise.all([
		startServer({ RATE_LIMIT: '5/60s' }),
		startServer({ RATE_LIMIT: '5/60s', TRUSTED_PROXY_HEADER: 'x-forwarded-for' }),
		// No trusted header: the limit keys on adapter-node's client address, here from ADDRESS_HEADER.
		startServer({ RATE_LIMIT: '5/60s', ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '1' })
	]);
	try {
		// By socket address: five public requests, then refused.
		for (let i = 0; i < 5; i++) expect((await fetch(`${plain.base}/api/v1/monitors`)).status).toBe(200);
		const refused = await fetch(`${plain.base}/api/v2/summary.json`);
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(12);
		expect((await refused.json()).error).toMatch(/too many requests/);
		// The refusal still carries the security headers.
		expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
		expect((await fetch(`${plain.base}/`)).status).toBe(429);
		// A forged X-Forwarded-For changes nothing when no header is trusted.
		expect((await fetch(`${plain.base}/`, { headers: { 'x-forwarded-for': '10.9.9.9' } })).status).toBe(429);
		// Load balancers' health checks and the operator's admin are not limited.
		for (let i = 0; i < 10; i++) expect((await fetch(`${plain.base}/api/health`)).status).toBe(200);
		expect((await fetch(`${plain.base}/admin/login`)).status).toBe(200);

		// Behind a proxy: each client address in the trusted header has its own bucket.
		const as = (ip: string) => ({ headers: { 'x-forwarded-for': `203.0.113.50, ${ip}` } });
		for (let i = 0; i < 5; i++) expect((await fetch(`${proxied.base}/api/v1/monitors`, as('10.0.0.1'))).status).toBe(200);
		expect((await fetch(`${proxied.base}/api/v1/monitors`, as('10.0.0.1'))).status).toBe(429);
		expect((await fetch(`${proxied.base}/badge/x/status.svg`, as('10.0.0.1'))).status).toBe(429);
		expect((await fetch(`${proxied.base}/api/v1/monitors`, as('10.0.0.2'))).status).toBe(200);
		expect((await fetch(`${proxied.base}/badge/x/status.svg`, as('10.0.0.2'))).status).toBe(404); // the grey "not found"

		// Badges and /api/v2 (answered by server.js's fast path) and pages (SvelteKit) share one
		// budget per client, found the same way on both paths: here adapter-node's ADDRESS_HEADER.
		const expected = [404, 200, 200, 200, 200, 429, 429];
		const paths = [
			'/badge/x/status.svg',
			'/api/v2/status.json',
			'/api/v1/monitors',
			'/badge/_/uptime.json',
			'/',
			'/api/v2/summary.json',
			'/'
		];
		const got: number[] = [];
		for (const p of paths) got.push((await fetch(`${adapterAddress.base}${p}`, as('10.0.0.3'))).status);
		expect(got).toEqual(expected);
		expect((await fetch(`${adapterAddress.base}/badge/x/status.svg`, as('10.0.0.4'))).status).toBe(404);
	} finally {
		await Promise.all([stop(plain), stop(proxied), stop(adapterAddress)]);
	}
});

test('RATE_LIMIT=off (the e2e server) never refuses', async ({ request }) => {
	// More than the default 300 per minute from one address.
	for (let batch = 0; batch < 16; batch++) {
		const statuses = await Promise.all(Array.from({ length: 20 }, () => request.get('/api/v1/monitors').then((r) => r.status())));
		expect(
			statuses.every((s) => s === 200),
			statuses.join(',')
		).toBe(true);
	}
});
