import { describe, it, expect } from 'vitest';
import { hostKind, timeoutAdvice, KIND_RANGE } from './timeout-advice';
import { TIMEOUT_GUIDANCE } from './services';

describe('hostKind', () => {
	it.each([
		// loopback
		['127.0.0.1', 'loopback'],
		['127.255.0.9', 'loopback'],
		['0.0.0.0', 'loopback'],
		['::1', 'loopback'],
		['[::1]', 'loopback'],
		['::', 'loopback'],
		['0:0:0:0:0:0:0:1', 'loopback'],
		['::ffff:127.0.0.1', 'loopback'],
		['localhost', 'loopback'],
		['LocalHost.', 'loopback'],
		['app.localhost', 'loopback'],
		// private
		['10.0.0.5', 'private'],
		['172.16.0.1', 'private'],
		['172.31.255.255', 'private'],
		['192.168.1.20', 'private'],
		['169.254.10.1', 'private'],
		['100.64.0.1', 'private'],
		['fc00::1', 'private'],
		['fd12:3456:789a::1', 'private'],
		['fe80::1', 'private'],
		['fe80::1%eth0', 'private'],
		['febf::1', 'private'],
		['::ffff:10.1.2.3', 'private'],
		['db', 'private'],
		['redis-primary', 'private'],
		['db.internal', 'private'],
		['printer.local', 'private'],
		['nas.home.arpa', 'private'],
		// public
		['172.15.0.1', 'public'],
		['172.32.0.1', 'public'],
		['192.169.0.1', 'public'],
		['11.0.0.1', 'public'],
		['100.128.0.1', 'public'],
		['8.8.8.8', 'public'],
		['2001:db8::1', 'public'],
		['fec0::1', 'public'],
		['::ffff:8.8.4.4', 'public'],
		['db.example.com', 'public'],
		['api.internal.example.com', 'public'],
		['localhost.example.com', 'public'],
		// nothing to judge
		['', null],
		['   ', null],
		['256.1.1.1', null],
		['1.2.3', null],
		['1::2::3', null],
		['not a host', null],
		['gg::1', null]
	] as const)('%s → %s', (host, kind) => {
		expect(hostKind(host)).toBe(kind);
	});
});

describe('timeoutAdvice', () => {
	it('ranges come from the spec guidance: local, local to same datacenter, same datacenter to global', () => {
		const [local, dc, , global] = TIMEOUT_GUIDANCE;
		expect(KIND_RANGE.loopback).toMatchObject({ min: local.min, max: local.max });
		expect(KIND_RANGE.private).toMatchObject({ min: local.min, max: dc.max });
		expect(KIND_RANGE.public).toMatchObject({ min: dc.min, max: global.max });
	});

	it.each([
		// host, timeout, warning expected (undefined: none), kind
		['127.0.0.1', '10000', 'long', 'loopback'],
		['127.0.0.1', '1001', 'long', 'loopback'],
		['127.0.0.1', '1000', undefined, 'loopback'],
		['127.0.0.1', '500', undefined, 'loopback'],
		['127.0.0.1', '499', 'short', 'loopback'],
		['localhost', '', undefined, 'loopback'], // empty → the spec's default 1000
		['::1', '5000', 'long', 'loopback'],
		['10.0.0.5', '1500', undefined, 'private'],
		['10.0.0.5', '2000', undefined, 'private'],
		['10.0.0.5', '10000', 'long', 'private'],
		['db', '300', 'short', 'private'],
		['db.example.com', '300', 'short', 'public'],
		['db.example.com', '999', 'short', 'public'],
		['db.example.com', '1000', undefined, 'public'],
		['db.example.com', '', undefined, 'public'],
		['8.8.8.8', '10000', undefined, 'public'],
		['8.8.8.8', '10001', 'long', 'public'],
		['2001:db8::1', '30000', 'long', 'public']
	] as const)('%s with %s ms: %s', (host, timeout, warning, kind) => {
		const a = timeoutAdvice(host, timeout)!;
		expect(a.kind).toBe(kind);
		expect(a.hint).toContain(`${KIND_RANGE[kind].min}–${KIND_RANGE[kind].max} ms`);
		if (warning === undefined) expect(a.warning).toBeUndefined();
		else expect(a.warning).toContain(` is ${warning} for a `);
	});

	it('names the typed timeout and the bound it crossed', () => {
		expect(timeoutAdvice('127.0.0.1', '10000')!.warning).toBe(
			'10000 ms is long for a local host: the spec suggests at most 1000 ms, and an unreachable host holds each check that long'
		);
		expect(timeoutAdvice('db.example.com', '300')!.warning).toBe(
			'300 ms is short for a public host: the spec suggests at least 1000 ms, or a slow answer is counted as a timeout'
		);
	});

	it('says in a tooltip which of the spec tiers the range spans', () => {
		expect(timeoutAdvice('127.0.0.1', '1000')!.title).toBe("This host looks local (loopback): the spec's local services");
		expect(timeoutAdvice('10.0.0.5', '1000')!.title).toBe("This host looks private: the spec's local services to same datacenter");
		expect(timeoutAdvice('db.example.com', '1000')!.title).toBe("This host looks public: the spec's same datacenter to global services");
		expect(timeoutAdvice('db.example.com', '1000')!.hint).toBe('1000–10000 ms for a public host');
	});

	it('gives no advice without a judgeable host, and no warning for a timeout the row already refuses', () => {
		expect(timeoutAdvice('', '10000')).toBeNull();
		expect(timeoutAdvice('300.1.1.1', '10000')).toBeNull();
		for (const t of ['abc', '0', '-5', '1.5', '60001']) {
			const a = timeoutAdvice('127.0.0.1', t)!;
			expect(a.kind).toBe('loopback');
			expect(a.warning).toBeUndefined();
		}
	});
});
