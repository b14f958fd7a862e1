// server.js answers badges and /api/v2 JSON itself (src/lib/server/public/fast.ts);
// `node build` sends every request through SvelteKit and the hooks. Both run
// here on one Postgres database with the same settings, and every answer
// must be the same: status, headers and bytes. Only the framing differs, and
// that difference proves the fast path answered: server.js sends
// Content-Length, adapter-node's SvelteKit bridge streams chunked.
import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { openDatabase } from '../../src/lib/server/db/index';
import { createScratchPostgres } from '../../src/lib/server/db/testing';
import { recordCheck } from '../../src/lib/server/db/queries/checks';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { freePort } from '../fixtures/net';
import { expect } from './admin-helpers';

async function start(entry: 'build' | 'server.js', databaseUrl: string): Promise<{ port: number; child: ChildProcess }> {
	const port = await freePort();
	const child = spawn(process.execPath, [entry], {
		env: {
			PATH: process.env.PATH,
			HOME: process.env.HOME,
			DATABASE_URL: databaseUrl,
			PROBE_WORKER: 'off',
			PORT: String(port),
			HOST: '127.0.0.1',
			// The same public URL for both, so the Statuspage JSON names the same page.
			ORIGIN: 'https://status.example.test',
			SITE_TITLE: 'Acme <status>',
			LOG_LEVEL: 'warn',
			// On, so the limiter runs on both paths, but far from refusing.
			RATE_LIMIT: '100000/60s'
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	await expect
		.poll(
			async () => {
				if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
				return fetch(`http://127.0.0.1:${port}/api/health`).then(
					(r) => r.status,
					() => 0
				);
			},
			{ timeout: 60_000, intervals: [250] }
		)
		.toBe(200);
	return { port, child };
}

interface Raw {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** node:http, so nothing is decoded or dropped on the way. */
function raw(port: number, path: string, method: string, headers: Record<string, string>): Promise<Raw> {
	return new Promise((resolve, reject) => {
		httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
		})
			.on('error', reject)
			.end();
	});
}

/** Framing and connection headers, which may differ; everything else must not. */
const FRAMING = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const semantic = (h: Raw['headers']) => Object.fromEntries(Object.entries(h).filter(([k]) => !FRAMING.has(k)));

test('server.js answers badges and /api/v2 exactly as SvelteKit does', async () => {
	test.setTimeout(180_000);
	const scratch = await createScratchPostgres();
	const servers: ChildProcess[] = [];
	try {
		const database = await openDatabase({ url: scratch.url, max: 2 });
		try {
			const list = validateMonitorList(
				[
					{ tag: 'api', name: 'API <gateway>', group: 'Core', description: 'The front door' },
					{ tag: 'db', name: 'Database', group: 'Core' },
					{ tag: 'mail', name: 'Mail' },
					{ tag: 'fresh', name: 'Fresh, no checks' },
					{ tag: 'hidden', name: 'Hidden thing', public: false }
				].map((m) => ({ type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] }, ...m }))
			);
			if (!list.ok) throw new Error(JSON.stringify(list));
			await upsertMonitors(database.db, list.value);
			const ids = Object.fromEntries((await database.db.query.monitors.findMany()).map((m) => [m.tag, m.id]));
			const ago = (min: number) => new Date(Math.floor((Date.now() - min * 60_000) / 60_000) * 60_000);
			const rec = (tag: string, min: number, status: 'UP' | 'DOWN' | 'DEGRADED', latency: number) =>
				recordCheck(database.db, { monitorId: ids[tag], ts: ago(min), status, latency, pings: [] }, 'UTC');
			// Away from the window edges, so both servers see the same figures.
			await rec('api', 3 * 24 * 60, 'DOWN', 0);
			await rec('api', 3 * 24 * 60 - 1, 'UP', 60);
			await rec('api', 2, 'UP', 10);
			await rec('api', 1, 'UP', 20);
			await rec('db', 1, 'DEGRADED', 40);
			await rec('mail', 1, 'DOWN', 0);
			await rec('hidden', 1, 'DOWN', 0);
		} finally {
			await database.close();
		}

		const [kit, fast] = await Promise.all([start('build', scratch.url), start('server.js', scratch.url)]);
		servers.push(kit.child, fast.child);

		const gzip = { 'accept-encoding': 'gzip' };
		const cases: [string, string, Record<string, string>][] = [];
		for (const path of [
			'/badge/api/status.svg',
			'/badge/api/status.json',
			'/badge/api/uptime.svg?window=30d',
			'/badge/api/uptime.json?window=7d',
			'/badge/api/uptime.svg?window=24h&label=Up&color=green&labelColor=0af&style=for-the-badge',
			'/badge/api/latency.svg?window=7d&metric=max',
			'/badge/api/latency.json?metric=p95&window=7d',
			'/badge/api/dot.svg?animate=1',
			'/badge/db/status.svg?style=social',
			'/badge/mail/status.json',
			'/badge/fresh/uptime.svg',
			'/badge/_/status.svg',
			'/badge/_/uptime.json?window=24h',
			'/badge/_/dot.svg',
			'/badge/_/latency.svg',
			'/badge/hidden/status.svg',
			'/badge/hidden/dot.svg',
			'/badge/no-such-tag/uptime.json',
			'/badge/api/status.svg?label=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E',
			'/badge/api/status.svg?style=3d',
			'/badge/api/status.svg?color=expression(1)',
			'/badge/api/status.svg?style=flat&style=flat',
			'/badge/api/status.svg?v=2',
			'/api/v2/status.json',
			'/api/v2/summary.json'
		]) {
			cases.push([path, 'GET', {}], [path, 'GET', gzip]);
		}
		cases.push(['/badge/api/status.svg', 'HEAD', {}], ['/api/v2/summary.json', 'HEAD', gzip]);

		let fastAnswers = 0;
		for (const [path, method, headers] of cases) {
			const name = `${method} ${path} ${JSON.stringify(headers)}`;
			const a = await raw(kit.port, path, method, headers);
			const b = await raw(fast.port, path, method, headers);
			expect(b.status, name).toBe(a.status);
			expect(semantic(b.headers), name).toEqual(semantic(a.headers));
			expect(b.body.equals(a.body), name).toBe(true);
			if (method === 'GET') {
				expect(a.headers['transfer-encoding'], name).toBe('chunked');
				expect(b.headers['content-length'], name).toBe(String(b.body.byteLength));
				fastAnswers++;
			}
			// Revalidation: the ETag either server gave, sent to both.
			if (a.status === 200 && a.headers.etag && a.headers['cache-control'] !== 'no-store') {
				const inm = { ...headers, 'if-none-match': String(a.headers.etag) };
				const a304 = await raw(kit.port, path, method, inm);
				const b304 = await raw(fast.port, path, method, inm);
				expect([a304.status, b304.status], name).toEqual([304, 304]);
				expect(semantic(b304.headers), name).toEqual(semantic(a304.headers));
				expect(b304.body.byteLength).toBe(0);
			}
		}
		expect(fastAnswers).toBe(50);

		// A session cookie changes nothing on a public read: open routes never read the session,
		// so no refreshed or cleared session cookie rides on an answer a shared cache may keep.
		for (const path of ['/api/v2/status.json', '/api/v2/summary.json', '/badge/local-echo/status.svg']) {
			for (const headers of [{}, gzip]) {
				const name = `${path} ${JSON.stringify(headers)} with a session cookie`;
				const withCookie = { ...headers, cookie: 'porthole_session=not-a-session' };
				const full = await raw(kit.port, path, 'GET', withCookie);
				const b = await raw(fast.port, path, 'GET', withCookie);
				expect(full.headers['set-cookie'], name).toBeUndefined();
				expect(b.headers['set-cookie'], name).toBeUndefined();
				expect(b.status, name).toBe(full.status);
				expect(semantic(b.headers), name).toEqual(semantic(full.headers));
				expect(b.body.equals(full.body), name).toBe(true);
			}
		}
		// A gzip answer was among them, with the security headers.
		const gz = await raw(fast.port, '/api/v2/summary.json', 'GET', gzip);
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gz.headers['x-frame-options']).toBe('DENY');

		// What the fast path leaves alone still works on server.js (SvelteKit answers).
		const preflight = await raw(fast.port, '/api/v2/summary.json', 'OPTIONS', {});
		expect(preflight.status).toBe(204);
		expect(preflight.headers['cache-control']).toBe('no-store');
		expect((await raw(fast.port, '/badge/api/status.svg/', 'GET', {})).status).toBe(308);
		expect((await raw(fast.port, '/', 'GET', {})).status).toBe(200);
	} finally {
		await Promise.all(
			servers.map((c) => {
				const exited = new Promise((r) => c.once('exit', r));
				c.kill('SIGTERM');
				return exited;
			})
		);
		await scratch.drop();
	}
});
