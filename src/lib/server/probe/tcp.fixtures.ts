// Sockets and hosts for the TCP probe's tests (tcp.test.ts, probe-hosts.test.ts):
// loopback listeners, a closed port, a blackhole that never answers a SYN,
// a watch on the client sockets the probe opens, and event-loop lag on demand.
// Traffic goes to 127.0.0.1 and ::1 only.
import { afterAll, afterEach, expect } from 'vitest';
import net from 'node:net';
import fs from 'node:fs';
import dc from 'node:diagnostics_channel';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { defaultLimiter } from './tcp';
import type { Host } from '../types';

export type Loopback = '127.0.0.1' | '::1';

/** Undone after each test (listeners closed, workers stopped): push onto it, call useCleanups() once per file. */
export const cleanups: Array<() => unknown> = [];
export function useCleanups() {
	afterEach(async () => {
		while (cleanups.length) await cleanups.pop()!();
	});
	// Every probe gave its socket back to the process-wide limiter.
	afterAll(() => {
		expect(defaultLimiter.active).toBe(0);
	});
}

export function host(h: string, port: number, type: Host['type'] = 'tcp', timeout = 1000): Host {
	return { type, host: h, port, timeout };
}

/** A listener that accepts and closes at once, counting connections. */
export async function listener(address: Loopback) {
	let connections = 0;
	const server = net.createServer((s) => {
		connections++;
		s.on('error', () => {});
		s.destroy();
	});
	server.listen({ port: 0, host: address, ipv6Only: address === '::1' });
	await once(server, 'listening');
	const close = () => new Promise<void>((r) => server.close(() => r()));
	cleanups.push(close);
	return {
		port: (server.address() as net.AddressInfo).port,
		get connections() {
			return connections;
		},
		close
	};
}

/** A port that was just bound and released: nothing listens there. */
export async function closedPort(address: Loopback): Promise<number> {
	const server = net.createServer();
	server.listen({ port: 0, host: address });
	await once(server, 'listening');
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((r) => server.close(() => r()));
	return port;
}

/**
 * A listener that never accepts, with a full accept queue: further SYNs are
 * dropped by the kernel, so connects hang (until SYN retransmits, ≥ 1 s).
 * The listening socket lives in a worker thread whose event loop is blocked
 * in Atomics.wait (bounded, so it ends by itself), then the queue is filled.
 */
export async function blackhole(address: Loopback) {
	const code = `
		const net = require('node:net');
		const { parentPort, workerData } = require('node:worker_threads');
		const server = net.createServer();
		server.listen({ port: 0, host: workerData.address, backlog: 1 }, () => {
			parentPort.postMessage(server.address().port);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
		});`;
	const worker = new Worker(code, { eval: true, workerData: { address } });
	const [port] = (await once(worker, 'message')) as [number];
	const fillers: net.Socket[] = [];
	const close = async () => {
		for (const s of fillers) s.destroy();
		await worker.terminate();
	};
	cleanups.push(close);
	for (let i = 0; i < 16; i++) {
		const s = net.connect({ port, host: address });
		s.on('error', () => {});
		fillers.push(s);
		const connected = await Promise.race([
			once(s, 'connect').then(() => true),
			new Promise<boolean>((r) => setTimeout(() => r(false), 200))
		]);
		if (!connected) return { port, close }; // queue full: this SYN went unanswered
	}
	throw new Error('could not fill the accept queue of the blackhole listener');
}

/** Watch every client socket created in this thread (node:diagnostics_channel). */
export function watchClientSockets() {
	const sockets: net.Socket[] = [];
	let peak = 0;
	const onSocket = (msg: unknown) => {
		const socket = (msg as { socket: net.Socket }).socket;
		sockets.push(socket);
		// Sockets in flight = created and not destroyed (destroy() closes the fd).
		const live = sockets.filter((s) => !s.destroyed).length;
		peak = Math.max(peak, live);
	};
	dc.subscribe('net.client.socket', onSocket);
	const stop = () => dc.unsubscribe('net.client.socket', onSocket);
	cleanups.push(stop);
	return {
		sockets,
		get peak() {
			return peak;
		},
		stop
	};
}

/**
 * Start a plain timer of `ms` next to `run()`: how late it fires is the event
 * loop's (or the scheduler's) lag at that moment, which no probe can beat.
 */
export async function withLagControl<T>(ms: number, run: () => Promise<T>) {
	const t0 = process.hrtime.bigint();
	const control = new Promise<number>((r) => setTimeout(() => r(elapsedMs(t0)), ms));
	const result = await run();
	const wall = elapsedMs(t0);
	const lag = Math.max(0, (await control) - ms);
	return { result, wall, lag };
}

/** Poll until `cond()` holds, or fail after `ms`. */
export async function until(cond: () => boolean, ms = 1000, what = 'condition') {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

export function elapsedMs(t0: bigint) {
	return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Does /etc/hosts map `name` to `ip`, with "files" first for hosts in nsswitch? */
export function hostsFileMaps(name: string, ip: string): boolean {
	try {
		const nss = fs.readFileSync('/etc/nsswitch.conf', 'utf8');
		const line = nss.split('\n').find((l) => /^\s*hosts:/.test(l));
		if (line && !/^\s*hosts:\s*files\b/.test(line)) return false;
		return fs
			.readFileSync('/etc/hosts', 'utf8')
			.split('\n')
			.map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
			.some(([addr, ...names]) => addr === ip && names.includes(name));
	} catch {
		return false;
	}
}

export const OPEN_KEYS = ['status', 'latency', 'host', 'port', 'type', 'address', 'dnsLatency'];
export const ERROR_KEYS = [...OPEN_KEYS, 'error'];
