// probeHosts (a monitor's whole host list, in parallel, under the socket
// limit) and what probing leaves behind: no sockets, handles or timers.
// One host at a time is tcp.test.ts. Real sockets on 127.0.0.1 and ::1 only.
import { measureLag } from '../../../../tests/fixtures/lag';
import { describe, it, expect } from 'vitest';
import {
	probeHosts,
	createLimiter,
	setMaxSockets,
	getMaxSockets,
	defaultLimiter,
	onDemandLimiter,
	DEFAULT_MAX_SOCKETS,
	ONDEMAND_MAX_SOCKETS
} from './tcp';
import type { Ping } from '../types';
import { blackhole, cleanups, closedPort, host, listener, until, useCleanups, watchClientSockets, withLagControl } from './tcp.fixtures';

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
		expect(pings.map((p) => p.status)).toEqual(['timeout', 'open', 'error', 'open', 'timeout', 'open', 'error']);
		pings.forEach((p, i) => {
			expect([p.host, p.port, p.type]).toEqual([hosts[i].host, hosts[i].port, hosts[i].type]);
		});
		expect(pings[0].latency).toBeGreaterThanOrEqual(400);
		expect(pings[4].latency).toBeGreaterThanOrEqual(200);
		expect(pings[4].latency).toBeLessThan(400 + lag);
		// at once, not one after another (that would take over 600 ms): the
		// 400 ms timeout bounds the batch
		expect(wall).toBeLessThan(450 + lag);
	});

	it('an explicit limiter caps sockets in flight; queue time counts towards the timeout', async () => {
		const bh = await blackhole('127.0.0.1');
		const limiter = createLimiter(2);
		const watch = watchClientSockets();
		let peakActive = 0;
		const sampler = setInterval(() => {
			peakActive = Math.max(peakActive, limiter.active);
		}, 5);
		cleanups.push(() => clearInterval(sampler));
		// Two dial and time out at 150 ms; by then the two 100 ms hosts queued
		// behind them have used up their timeout in the queue, and the two 600 ms
		// hosts have 450 ms left to connect.
		const timeouts = [150, 150, 100, 100, 600, 600];
		const hosts = timeouts.map((t) => host('127.0.0.1', bh.port, 'tcp', t));
		// lag: how long this thread was held up (a busy machine): the hosts are queued one after another, so the later ones can start that much later.
		const { result: pings, lag } = await measureLag(() => probeHosts(hosts, limiter));
		watch.stop();
		expect(pings.map((p) => p.status)).toEqual(Array(6).fill('timeout'));
		// the expired ones were never dialled (had queue time not counted: 6 sockets)
		expect(watch.sockets).toHaveLength(4);
		expect(watch.peak).toBe(2);
		expect(peakActive).toBe(2);
		const within = `ETIMEDOUT: no connection to 127.0.0.1:${bh.port} within`;
		expect(pings[0].error).toBe(`${within} 150 ms`);
		for (const i of [2, 3]) expect(pings[i].error).toBe(`${within} 100 ms (all of it waiting for a free socket)`);
		for (const i of [4, 5]) {
			const m = new RegExp(`^${within} 600 ms \\((\\d+) ms of it waiting for a free socket\\)$`).exec(pings[i].error!);
			expect(m, pings[i].error).not.toBeNull();
			expect(Number(m![1])).toBeGreaterThanOrEqual(Math.min(149, 149 - lag));
			expect(Number(m![1])).toBeGreaterThan(0);
			expect(Number(m![1])).toBeLessThan(600);
		}
		// a timeout's latency is its whole budget, queue included
		pings.forEach((p, i) => expect(p.latency).toBeGreaterThanOrEqual(timeouts[i] - 1));
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

describe('on-demand budget', () => {
	it('a full on-demand lane (run-now at a blackhole) delays no scheduled probe, even with 1 scheduled slot', async () => {
		const bh = await blackhole('127.0.0.1');
		const l = await listener('127.0.0.1');
		setMaxSockets(1);
		cleanups.push(() => setMaxSockets(DEFAULT_MAX_SOCKETS));
		const n = ONDEMAND_MAX_SOCKETS + 8;
		const flood = probeHosts(
			Array.from({ length: n }, () => host('127.0.0.1', bh.port, 'tcp', 1500)),
			onDemandLimiter
		);
		expect([onDemandLimiter.active, onDemandLimiter.pending]).toEqual([ONDEMAND_MAX_SOCKETS, 8]);
		expect(defaultLimiter.active).toBe(0);
		const scheduled = await probeHosts([host('127.0.0.1', l.port), host('127.0.0.1', l.port), host('127.0.0.1', l.port)]);
		expect(scheduled.map((p) => p.status)).toEqual(['open', 'open', 'open']);
		// all three answered one after another through the single scheduled slot
		// while the on-demand lane was still full: none waited behind the flood
		expect([onDemandLimiter.active, onDemandLimiter.pending]).toEqual([ONDEMAND_MAX_SOCKETS, 8]);
		const pings = await flood;
		expect(pings.map((p) => p.status)).toEqual(Array(n).fill('timeout'));
		// the 8 queued behind the lane's own slots spent their 1500 ms there
		expect(pings.filter((p) => / waiting for a free socket\)$/.test(p.error!))).toHaveLength(8);
		expect([onDemandLimiter.active, onDemandLimiter.pending]).toEqual([0, 0]);
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
		await until(() => JSON.stringify(settled().handles) === JSON.stringify(handlesBefore), 500, 'handles to close').catch(() => {});
		const after = settled();
		expect(after.handles).toEqual(handlesBefore);
		// Timers of the test runner come and go; the probes' 30 s timers would stay.
		expect(after.timers).toBeLessThanOrEqual(timersBefore);
	});
});
