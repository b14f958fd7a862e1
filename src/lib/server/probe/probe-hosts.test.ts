// probeHosts (a monitor's whole host list, in parallel, under the socket
// limit) and what probing leaves behind: no sockets, handles or timers.
// One host at a time is tcp.test.ts. Real sockets on 127.0.0.1 and ::1 only.
import { describe, it, expect } from 'vitest';
import { probeHosts, createLimiter, setMaxSockets, getMaxSockets, defaultLimiter, DEFAULT_MAX_SOCKETS } from './tcp.js';
import type { Ping } from '../types';
import { blackhole, cleanups, closedPort, elapsedMs, host, listener, until, useCleanups, watchClientSockets, withLagControl } from './tcp.fixtures';

useCleanups();

describe('probeHosts', () => {
	it('probes all hosts at once and keeps config order', async () => {
		const l4 = await listener('127.0.0.1');
		const l6 = await listener('::1');
		const bh = await blackhole('127.0.0.1');
		const refused = await closedPort('127.0.0.1');
		const hosts = [
			host('127.0.0.1', bh.port, 'tcp', 400), // slowest first
			host('127.0.0.1', l4.port),
			host('127.0.0.1', refused),
			host('::1', l6.port, 'IP6'),
			host('127.0.0.1', bh.port, 'tcp', 200),
			host('localhost', l4.port),
			host(`${'y'.repeat(64)}.invalid`, 80)
		];
		const { result: pings, wall, lag } = await withLagControl(400, () => probeHosts(hosts));
		expect(pings.map((p) => p.status)).toEqual([
			'timeout',
			'open',
			'error',
			'open',
			'timeout',
			'open',
			'error'
		]);
		pings.forEach((p, i) => {
			expect([p.host, p.port, p.type]).toEqual([hosts[i].host, hosts[i].port, hosts[i].type]);
		});
		expect(pings[0].latency).toBeGreaterThanOrEqual(400);
		expect(pings[4].latency).toBeGreaterThanOrEqual(200);
		expect(pings[4].latency).toBeLessThan(400);
		// at once, not one after another (that would take over 600 ms): the
		// 400 ms timeout bounds the batch
		expect(wall).toBeLessThan(450 + lag);
	});

	it('an explicit limiter caps sockets in flight; queue time is neither latency nor timeout', async () => {
		const bh = await blackhole('127.0.0.1');
		const limiter = createLimiter(2);
		const watch = watchClientSockets();
		let peakActive = 0;
		const sampler = setInterval(() => {
			peakActive = Math.max(peakActive, limiter.active);
		}, 5);
		cleanups.push(() => clearInterval(sampler));
		const hosts = Array.from({ length: 6 }, () => host('127.0.0.1', bh.port, 'tcp', 150));
		const t0 = process.hrtime.bigint();
		const pings = await probeHosts(hosts, limiter);
		const wall = elapsedMs(t0);
		watch.stop();
		expect(pings.map((p) => p.status)).toEqual(Array(6).fill('timeout'));
		expect(watch.sockets).toHaveLength(6);
		expect(watch.peak).toBe(2);
		expect(peakActive).toBe(2);
		// three waves of two (all at once: 150 ms; one by one: 900 ms); the
		// upper bounds leave room for timer lag on a loaded machine
		expect(wall).toBeGreaterThanOrEqual(3 * 150 - 1);
		expect(wall).toBeLessThan(3 * 150 + 250);
		// each probe's clock started when it got its slot: had queue time
		// counted, waves 2 and 3 would read 300 and 450 ms
		for (const p of pings) {
			expect(p.latency).toBeGreaterThanOrEqual(150);
			expect(p.latency).toBeLessThan(275);
		}
		expect(limiter.active).toBe(0);
		expect(limiter.pending).toBe(0);
	});

	it('setMaxSockets(2): 6 hosts against a counting listener, never more than 2 sockets at once', async () => {
		expect(getMaxSockets()).toBe(DEFAULT_MAX_SOCKETS);
		const l = await listener('127.0.0.1');
		setMaxSockets(2);
		cleanups.push(() => setMaxSockets(DEFAULT_MAX_SOCKETS));
		const watch = watchClientSockets();
		const pings = await probeHosts(Array.from({ length: 6 }, () => host('127.0.0.1', l.port)));
		watch.stop();
		expect(pings.map((p) => p.status)).toEqual(Array(6).fill('open'));
		// the server accepts a little after the client sees 'connect'
		await until(() => l.connections === 6, 1000, '6 connections');
		expect(watch.sockets).toHaveLength(6);
		expect(watch.peak).toBe(2);
		expect(defaultLimiter.active).toBe(0);
	});

	it('many hosts through a small cap all complete', async () => {
		const l = await listener('127.0.0.1');
		const refused = await closedPort('127.0.0.1');
		const limiter = createLimiter(8);
		const watch = watchClientSockets();
		const hosts = Array.from({ length: 300 }, (_, i) => host('127.0.0.1', i % 3 ? l.port : refused));
		const pings = await probeHosts(hosts, limiter);
		watch.stop();
		expect(pings).toHaveLength(300);
		pings.forEach((p, i) => expect(p.status).toBe(i % 3 ? 'open' : 'error'));
		expect(watch.peak).toBeLessThanOrEqual(8);
		await until(() => l.connections === 200, 2000, '200 connections');
	});
});

describe('cleanup', () => {
	it('leaves no sockets, connect requests, lookups or timers behind on any path', async () => {
		const kinds = ['TCPSocketWrap', 'ConnectWrap', 'GetAddrInfoReqWrap', 'Timeout', 'TCPServerWrap'];
		const count = () => {
			const info = process.getActiveResourcesInfo();
			return Object.fromEntries(kinds.map((k) => [k, info.filter((r) => r === k).length]));
		};
		// handles of earlier tests may still be closing: start from a settled state
		let before = count();
		await until(
			() => {
				const now = count();
				const same = JSON.stringify(now) === JSON.stringify(before);
				before = now;
				return same && now.TCPSocketWrap + now.ConnectWrap + now.TCPServerWrap === 0;
			},
			2000,
			'a quiet start'
		);
		const l4 = await listener('127.0.0.1');
		const l6 = await listener('::1');
		const bh = await blackhole('127.0.0.1');
		const refused = await closedPort('127.0.0.1');
		const watch = watchClientSockets();
		const long = 30_000; // a timer that was not cleared would still be pending at the end
		const pings: Ping[] = await probeHosts([
			host('127.0.0.1', l4.port, 'tcp', long),
			host('::1', l6.port, 'IP6', long),
			host('localhost', l4.port, 'tcp', long),
			host('127.0.0.1', refused, 'tcp', long),
			host('127.0.0.1', bh.port, 'tcp', 100),
			host(`${'z'.repeat(64)}.invalid`, 80, 'tcp', long)
		]);
		watch.stop();
		expect(pings.map((p) => p.status)).toEqual(['open', 'open', 'open', 'error', 'timeout', 'error']);
		// every probe socket is destroyed by the time its ping is delivered,
		// and keeps an 'error' listener so nothing late can go unhandled
		expect(watch.sockets).toHaveLength(6);
		for (const s of watch.sockets) {
			expect(s.destroyed).toBe(true);
			expect(s.listenerCount('error')).toBeGreaterThan(0);
		}
		while (cleanups.length) await cleanups.pop()!();
		// closed handles leave the list at the end of a loop turn; allow a few
		const { Timeout: timersBefore, ...handlesBefore } = before;
		const settled = () => {
			const { Timeout: timers, ...handles } = count();
			return { timers, handles };
		};
		await until(
			() => JSON.stringify(settled().handles) === JSON.stringify(handlesBefore),
			500,
			'handles to close'
		).catch(() => {});
		const after = settled();
		expect(after.handles).toEqual(handlesBefore);
		// Timers of the test runner come and go; the probes' 30 s timers would stay.
		expect(after.timers).toBeLessThanOrEqual(timersBefore);
	});
});
