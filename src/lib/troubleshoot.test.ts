import { describe, it, expect } from 'vitest';
import { hostHints, troubleshoot } from './troubleshoot';
import type { Ping } from './types';
import type { HostForm } from './monitor-form';

const ping = (status: Ping['status'], o: Partial<Ping> = {}): Ping => ({
	status,
	latency: status === 'open' ? 5 : 0,
	host: 'db.example.com',
	port: 5432,
	type: 'tcp',
	...o
});
const ids = (pings: Ping[], type = 'tcp', timeout = 1000) => hostHints(pings, type, timeout).map((h) => h.id);
const row = (o: Partial<HostForm> = {}): HostForm => ({ type: 'tcp', host: 'db.example.com', port: '5432', timeout: '1000', ...o });

describe('hostHints', () => {
	it.each([
		['no pings', [], []],
		['all open, fast', [ping('open'), ping('open')], []],
		['every ping timed out', [ping('timeout'), ping('timeout'), ping('timeout')], ['always-timeout']],
		['the one latest check timed out', [ping('timeout')], ['always-timeout']],
		['every ping an error', [ping('error', { error: 'ECONNREFUSED: connect' }), ping('error')], ['always-error']],
		['some timeouts among opens', [ping('open'), ping('timeout'), ping('open')], ['intermittent-timeouts']],
		['timeouts mixed with errors', [ping('error'), ping('timeout')], ['intermittent-timeouts']],
		['some errors among opens (no spec row)', [ping('open'), ping('error')], []],
		['open at half the timeout', [ping('open', { latency: 500 })], ['high-latency']],
		['open just under half', [ping('open', { latency: 499 })], []],
		['slow and sometimes timing out', [ping('open', { latency: 700 }), ping('timeout')], ['intermittent-timeouts', 'high-latency']]
	] as const)('%s → %j', (_, pings, want) => {
		expect(ids([...pings])).toEqual(want);
	});

	it('an IP6 host never open with a network error is "IPv6 not working", not "Always error"', () => {
		const v6 = [
			ping('error', { type: 'IP6', error: 'ENETUNREACH: connect ENETUNREACH 2001:db8::1:443' }),
			ping('timeout', { type: 'IP6' })
		];
		expect(ids(v6, 'IP6')).toEqual(['ipv6']);
		expect(hostHints(v6, 'IP6', 1000)[0].evidence).toBe('never open in 2 recent checks (ENETUNREACH)');
		// A refused IPv6 connection is the service, not the network.
		expect(ids([ping('error', { type: 'IP6', error: 'ECONNREFUSED: x' })], 'IP6')).toEqual(['always-error']);
		// Open once: the network can do IPv6.
		expect(ids([ping('open', { type: 'IP6' }), ping('error', { type: 'IP6', error: 'ENETUNREACH: x' })], 'IP6')).toEqual([]);
	});

	it("carries the spec's words and the evidence", () => {
		const [h] = hostHints([ping('timeout'), ping('timeout')], 'tcp', 1000);
		expect(h).toEqual({
			id: 'always-timeout',
			issue: 'Always timeout',
			cause: 'Firewall blocking connection',
			solution: 'Check firewall rules, security groups',
			evidence: 'timeout in 2 of 2 recent checks'
		});
		const [e] = hostHints([ping('error', { error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' })], 'tcp', 1000);
		expect(e).toMatchObject({
			issue: 'Always error',
			cause: 'Service not running or wrong port',
			evidence: 'error in the latest check (ECONNREFUSED)'
		});
		const [l] = hostHints([ping('open', { latency: 600 }), ping('open', { latency: 800 })], 'tcp', 1000);
		expect(l).toMatchObject({ issue: 'High latency', evidence: 'connect 700 ms on average, 70 % of the 1000 ms timeout' });
	});
});

describe('troubleshoot', () => {
	const checks: Ping[][] = [
		[ping('timeout'), ping('error', { host: 'cache', port: 6379 })],
		[ping('timeout'), ping('error', { host: 'cache', port: 6379 })]
	];

	it('matches pings to rows by type, host and port, whatever their position', () => {
		const hosts = [row({ host: 'cache', port: '6379' }), row(), row({ host: 'other' })];
		expect(troubleshoot(checks, hosts).map((hs) => hs.map((h) => h.id))).toEqual([['always-error'], ['always-timeout'], []]);
	});

	it('drops a hint once the row no longer says what was probed', () => {
		expect(troubleshoot(checks, [row({ port: '5433' })])).toEqual([[]]);
		expect(troubleshoot(checks, [row({ type: 'IP6' })])).toEqual([[]]);
		expect(troubleshoot(checks, [row({ host: ' DB.example.com ' })])[0].map((h) => h.id)).toEqual(['always-timeout']);
	});

	it("empty port means the spec's 80, empty timeout its 1000 ms", () => {
		const slow: Ping[][] = [[ping('open', { port: 80, latency: 600 })]];
		expect(troubleshoot(slow, [row({ port: '', timeout: '' })])[0].map((h) => h.id)).toEqual(['high-latency']);
		expect(troubleshoot(slow, [row({ port: '', timeout: '2000' })])).toEqual([[]]);
	});

	it('a monitor without checks gets no hints', () => {
		expect(troubleshoot([], [row(), row()])).toEqual([[], []]);
	});
});
