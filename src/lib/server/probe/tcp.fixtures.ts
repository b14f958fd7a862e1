// Helpers for the TCP probe's tests (tcp.test.ts, probe-hosts.test.ts): the
// loopback listeners of tests/fixtures/net.ts, closed after each test; a watch
// on the client sockets the probe opens; and event-loop lag on demand.
// Traffic goes to 127.0.0.1 and ::1 only.
import { afterAll, afterEach, expect } from 'vitest';
import type net from 'node:net';
import fs from 'node:fs';
import dc from 'node:diagnostics_channel';
import { blackhole as netBlackhole, closedPort as netClosedPort, listen, type Loopback } from '../../../../tests/fixtures/net';
import { defaultLimiter } from './tcp';
import type { Host } from '../types';

export type { Loopback };

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

/** A listener that accepts and closes at once, counting connections; closed after the test. */
export async function listener(address: Loopback) {
	const l = await listen(address);
	cleanups.push(l.close);
	return {
		port: l.port,
		get connections() {
			return l.accepted;
		},
		close: l.close
	};
}

/** A port that was just bound and released: nothing listens there. */
export const closedPort = (address: Loopback) => netClosedPort(address);

/** A listener whose accept queue is full, so connects hang; stopped after the test. */
export async function blackhole(address: Loopback) {
	const b = await netBlackhole(address);
	cleanups.push(b.close);
	return b;
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
