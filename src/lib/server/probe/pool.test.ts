// The probe worker thread, for real: the worker file is found through the
// package export "porthole/probe-worker". Traffic: 127.0.0.1 and ::1 only.
import { describe, it, expect, afterEach, afterAll } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProbeWorker, resolveProbeWorkerUrl } from './pool';
import type { Host } from '../types';
import { ONDEMAND_MAX_SOCKETS } from './limiter';
import { blackhole } from './tcp.fixtures';
import { measureLag } from '../../../../tests/fixtures/lag';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});
/** One worker for the tests below, as the app holds one (app.ts). */
const shared = new ProbeWorker();
const probe = (hosts: Host[]) => shared.probe(hosts);
afterAll(() => shared.stop());

/** The probe worker as built by scripts/build-workers.js (tests/global-setup.ts runs it). */
const WORKER_URL = new URL('../../../../build/workers/probe-worker.js', import.meta.url);

function host(h: string, port: number, type: Host['type'] = 'tcp', timeout = 1000): Host {
	return { type, host: h, port, timeout };
}

async function listener(address: '127.0.0.1' | '::1') {
	let connections = 0;
	const server = net.createServer((s) => {
		connections++;
		s.on('error', () => {});
		s.destroy();
	});
	server.listen({ port: 0, host: address });
	await once(server, 'listening');
	cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
	return {
		port: (server.address() as net.AddressInfo).port,
		get connections() {
			return connections;
		}
	};
}

async function closedPort(): Promise<number> {
	const server = net.createServer();
	server.listen({ port: 0, host: '127.0.0.1' });
	await once(server, 'listening');
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((r) => server.close(() => r()));
	return port;
}

/**
 * A worker module (data: URL) that runs the real worker and adds a fault:
 * "crash" throws an uncaught exception when a request for a host named
 * `trigger` arrives; "mute" replaces the worker with one that never answers.
 */
function faultyWorker(fault: 'crash' | 'mute', trigger = ''): URL {
	const real = WORKER_URL.href;
	const code =
		fault === 'crash'
			? `import ${JSON.stringify(real)};
				import { parentPort } from 'node:worker_threads';
				parentPort.on('message', (m) => {
					if (m && Array.isArray(m.hosts) && m.hosts.some((h) => h.host === ${JSON.stringify(trigger)})) {
						setImmediate(() => { throw new Error('injected crash'); });
					}
				});`
			: `import { parentPort } from 'node:worker_threads';
				parentPort.on('message', () => {});`;
	return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** A 64-octet label: fails inside the stub resolver, no DNS packet is sent. */
const UNRESOLVABLE = `${'q'.repeat(64)}.invalid`;

describe('worker resolution', () => {
	it('resolves "porthole/probe-worker" to the built worker, build/workers/probe-worker.js', () => {
		const url = resolveProbeWorkerUrl();
		expect(url.protocol).toBe('file:');
		expect(fileURLToPath(url)).toBe(fileURLToPath(WORKER_URL));
	});
});

describe('the probe worker', () => {
	it('starts a worker thread that probes local listeners and answers in order', async () => {
		const l4 = await listener('127.0.0.1');
		const l6 = await listener('::1');
		const refused = await closedPort();
		const pw = shared;
		pw.start();
		expect(pw.running).toBe(true);
		expect(pw.threadId).toBeGreaterThan(0);
		const hosts = [host('127.0.0.1', l4.port), host('127.0.0.1', refused), host('::1', l6.port, 'IP6'), host('localhost', l4.port)];
		const { result: pings, lag } = await measureLag(() => probe(hosts));
		expect(pings.map((p) => p.status)).toEqual(['open', 'error', 'open', 'open']);
		expect(pings.map((p) => [p.host, p.port, p.type])).toEqual(hosts.map((h) => [h.host, h.port, h.type]));
		expect(pings[0].latency).toBeGreaterThan(0);
		expect(pings[0].latency).toBeLessThan(100 + lag);
		expect(pings[1].error).toMatch(/^ECONNREFUSED: /);
		expect(pings[3].dnsLatency).toBeGreaterThan(0);
		expect(Object.keys(pings[0])).toEqual(['status', 'latency', 'host', 'port', 'type', 'address', 'dnsLatency']);
		expect(await probe([])).toEqual([]);
		expect(pw.inFlight).toBe(0);
	});

	it('serves concurrent requests, each with its own answer', async () => {
		const l = await listener('127.0.0.1');
		const refused = await closedPort();
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, i) => probe([host('127.0.0.1', i % 2 ? refused : l.port), host('127.0.0.1', l.port)]))
		);
		results.forEach((pings, i) => {
			expect(pings.map((p) => p.status)).toEqual([i % 2 ? 'error' : 'open', 'open']);
		});
	});

	it('stops; a later probe() starts it again', async () => {
		const l = await listener('127.0.0.1');
		const pw = shared;
		pw.start();
		const first = pw.threadId;
		await pw.stop();
		expect(pw.running).toBe(false);
		await pw.stop(); // idempotent
		const [ping] = await probe([host('127.0.0.1', l.port)]);
		expect(ping.status).toBe('open');
		expect(pw.running).toBe(true);
		expect(pw.threadId).not.toBe(first);
	});

	it('applies maxSockets set before a start', async () => {
		const l = await listener('127.0.0.1');
		const pw = shared;
		await pw.stop();
		pw.setMaxSockets(1);
		pw.start();
		const pings = await probe(Array.from({ length: 5 }, () => host('127.0.0.1', l.port)));
		expect(pings.every((p) => p.status === 'open')).toBe(true);
		pw.setMaxSockets(0); // invalid: rejected inside the worker, reported back
		await expect.poll(() => pw.lastError, { timeout: 2000 }).toMatch(/RangeError: maxSockets/);
		pw.setMaxSockets(256);
	});
});

describe('on-demand lane', () => {
	it("run-now's probes use the worker's own on-demand budget: scheduled ones never wait behind them", async () => {
		const bh = await blackhole('127.0.0.1');
		cleanups.push(bh.close);
		const l = await listener('127.0.0.1');
		const pw = new ProbeWorker({ url: WORKER_URL, maxSockets: 1 });
		cleanups.push(() => pw.stop());
		const n = ONDEMAND_MAX_SOCKETS + 2;
		let floodDone = false;
		const flood = pw
			.probe(
				Array.from({ length: n }, () => host('127.0.0.1', bh.port, 'tcp', 2000)),
				{ lane: 'ondemand' }
			)
			.finally(() => (floodDone = true));
		const scheduled = await pw.probe([host('127.0.0.1', l.port), host('127.0.0.1', l.port), host('127.0.0.1', l.port)]);
		expect(scheduled.map((p) => p.status)).toEqual(['open', 'open', 'open']);
		expect(floodDone).toBe(false);
		const pings = await flood;
		expect(pings.map((p) => p.status)).toEqual(Array(n).fill('timeout'));
		// Exactly the two past the budget waited for a socket, most of their 2 s. (Counted by the
		// wait, not the words: on a loaded CI machine a third host once carried a short wait too.)
		const waitMs = (e: string) => (/all of it waiting/.test(e) ? 2000 : Number(/\((\d+) ms of it waiting/.exec(e)?.[1] ?? 0));
		const waited = pings.filter((p) => waitMs(p.error!) >= 1000);
		expect(
			waited.map((p) => p.error),
			JSON.stringify(pings.map((p) => p.error))
		).toHaveLength(2);
	});
});

describe('ProbeWorker failures', () => {
	it('stop() resolves requests in flight with error pings', async () => {
		const pw = new ProbeWorker({ url: WORKER_URL });
		cleanups.push(() => pw.stop());
		pw.start();
		// stop() in the same turn as probe(): no reply can have arrived yet.
		const pending = pw.probe([host('127.0.0.1', 1, 'tcp', 5000)]);
		await pw.stop();
		const [ping] = await pending;
		expect(ping.status).toBe('error');
		expect(ping.error).toBe('EWORKER: probe worker stopped');
		expect(ping.host).toBe('127.0.0.1');
	});

	it('a worker that dies fails its requests at once and is replaced', async () => {
		const l = await listener('127.0.0.1');
		const pw = new ProbeWorker({ url: faultyWorker('crash', UNRESOLVABLE) });
		cleanups.push(() => pw.stop());
		pw.start();
		const firstThread = pw.threadId;
		// warm: the worker (the real one inside) answers normally
		expect((await pw.probe([host('127.0.0.1', l.port)]))[0].status).toBe('open');
		const { result: pings, wall, lag } = await measureLag(() => pw.probe([host(UNRESOLVABLE, 80, 'tcp', 10_000)]));
		// at once: far short of the 10 s timeout, beyond what a busy machine held this thread up
		expect(wall).toBeLessThan(2000 + lag);
		expect(pings).toHaveLength(1);
		expect(pings[0].status).toBe('error');
		expect(pings[0].error).toMatch(/^EWORKER: probe worker exited \(Error: injected crash\)/);
		// replaced at once, and the new one works
		expect(pw.running).toBe(true);
		expect(pw.starts).toBe(2);
		expect(pw.threadId).not.toBe(firstThread);
		expect((await pw.probe([host('127.0.0.1', l.port)]))[0].status).toBe('open');
	});

	it('a worker that cannot load yields error pings, not a hang or a rejection', async () => {
		const pw = new ProbeWorker({ url: pathToFileURL('/nonexistent/porthole/worker.js') });
		cleanups.push(() => pw.stop());
		const pings = await pw.probe([host('127.0.0.1', 1)]);
		expect(pings[0].status).toBe('error');
		expect(pings[0].error).toMatch(/^EWORKER: probe worker exited/);
	});

	it('a worker that never answers: the request resolves with error pings after its bound', async () => {
		const pw = new ProbeWorker({ url: faultyWorker('mute'), graceMs: 200 });
		cleanups.push(() => pw.stop());
		pw.start();
		const first = pw.threadId;
		const { result: pings, wall: took, lag } = await measureLag(() => pw.probe([host('127.0.0.1', 1, 'tcp', 100)]));
		// bound = the longest timeout (queue time counts towards it) + 200 ms grace
		expect(took).toBeGreaterThanOrEqual(290);
		expect(took).toBeLessThan(1500 + lag);
		expect(pings[0].error).toBe('EWORKER: probe worker gave no answer within 300 ms');
		expect(pw.threadId).not.toBe(first); // replaced
	});
});

describe('process lifetime', () => {
	// In a fresh Node process (tsx loader, plain Node ESM resolution of
	// import.meta.resolve, no Vite): an idle worker does not keep the process
	// alive, and a pending probe() does.
	const tsxScript = (body: string) =>
		new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
			const poolUrl = new URL('./pool.ts', import.meta.url).href;
			const src = `import * as pool from ${JSON.stringify(poolUrl)};\n${body}`;
			const t0 = Date.now();
			execFile(
				process.execPath,
				['--import', 'tsx', '--input-type=module', '-e', src],
				{ timeout: 15_000, cwd: fileURLToPath(new URL('../../../..', import.meta.url)) },
				(err, stdout, stderr) =>
					resolve({
						code: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
						stdout,
						stderr,
						ms: Date.now() - t0
					})
			);
		});

	it('an idle started worker lets the process exit; a pending probe keeps it alive', async () => {
		const port = await closedPort();
		const idle = await tsxScript(`new pool.ProbeWorker().start(); console.log('started');`);
		expect(idle.stderr).toBe('');
		expect(idle.code).toBe(0);
		expect(idle.stdout.trim()).toBe('started');

		const busy = await tsxScript(
			`const pings = await new pool.ProbeWorker().probe([{ type: 'tcp', host: '127.0.0.1', port: ${port}, timeout: 1000 }]);
			console.log(JSON.stringify(pings));`
		);
		expect(busy.stderr).toBe('');
		expect(busy.code).toBe(0);
		const pings = JSON.parse(busy.stdout);
		expect(pings[0].status).toBe('error');
		expect(pings[0].error).toMatch(/^ECONNREFUSED: /);
	});
});
