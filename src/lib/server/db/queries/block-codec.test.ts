import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBlock, encodeBlock, type BlockCheck } from './block-codec';
import { encodePings, pingLatencies } from './ping-codec';
import type { MonitorStatus, Ping } from '../../types';

const HOUR = 54_000_000; // some hour, in seconds since 2020

const pingArb = fc.record(
	{
		status: fc.constantFrom('open', 'timeout', 'error'),
		latency: fc.oneof(
			fc.integer({ min: 0, max: 60_000_000 }).map((us) => us / 1000),
			fc.double({ min: 0, max: 3.6e6, noNaN: true })
		),
		host: fc.constant('h'),
		port: fc.constant(1),
		type: fc.constant('tcp'),
		address: fc.constantFrom('h', '192.0.2.1'),
		dnsLatency: fc.oneof(
			fc.constant(0),
			fc.integer({ min: 0, max: 5_000_000 }).map((us) => us / 1000),
			fc.double({ min: 0, max: 1e4, noNaN: true })
		),
		error: fc.string({ maxLength: 40 })
	},
	{ requiredKeys: ['status', 'latency', 'host', 'port', 'type'] }
) as fc.Arbitrary<Ping>;

const blobOf = (pings: Ping[], version = 1) => encodePings(version, pings, () => 7);
const mean = (pings: Ping[]) => pings.reduce((a, p) => a + p.latency, 0) / pings.length;

describe('check block codec', () => {
	it('gives back any hour of checks bit for bit (property)', () => {
		const check = fc.record({
			status: fc.constantFrom<MonitorStatus>('UP', 'DEGRADED', 'DOWN', 'MAINTENANCE'),
			pings: fc.array(pingArb, { maxLength: 4 }),
			latencyKind: fc.constantFrom('mean', 'us', 'any', 'zero', 'negzero'),
			us: fc.integer({ min: 0, max: 3_600_000_000 }),
			any: fc.double({ noNaN: true }),
			error: fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }), { nil: null }),
			version: fc.integer({ min: 0, max: 100_000 })
		});
		fc.assert(
			fc.property(
				fc.uniqueArray(fc.integer({ min: 0, max: 3599 }), { maxLength: 80 }),
				fc.array(check, { minLength: 80, maxLength: 80 }),
				(offsets, cs) => {
					offsets.sort((a, b) => a - b);
					const checks: BlockCheck[] = offsets.map((o, i) => {
						const c = cs[i];
						const latency =
							c.latencyKind === 'mean' && c.pings.length
								? mean(c.pings)
								: c.latencyKind === 'us'
									? c.us / 1000
									: c.latencyKind === 'zero'
										? 0
										: c.latencyKind === 'negzero'
											? -0
											: c.any;
						return { t: HOUR + o, status: c.status, latency, hosts: blobOf(c.pings, c.version), error: c.error };
					});
					const back = decodeBlock(HOUR, encodeBlock(HOUR, checks));
					expect(back).toHaveLength(checks.length);
					back.forEach((b, i) => {
						expect(b).toEqual(checks[i]);
						expect(Object.is(b.latency, checks[i].latency)).toBe(true);
					});
				}
			)
		);
	});

	it('packs an hour of one-a-minute default-eval checks in ~15 bytes a check besides the host blobs', () => {
		const checks: BlockCheck[] = Array.from({ length: 60 }, (_, i) => {
			const pings: Ping[] = [0.412 + i / 1000, 4.107, 38.2].map((latency) => ({
				status: 'open',
				latency,
				host: '10.0.0.1',
				port: 5432,
				type: 'tcp',
				address: '10.0.0.1',
				dnsLatency: 0
			}));
			return { t: HOUR + i * 60, status: 'UP', latency: mean(pings), hosts: blobOf(pings), error: null };
		});
		const data = encodeBlock(HOUR, checks);
		const hostBytes = checks.reduce((a, c) => a + c.hosts.length, 0);
		// gap 1 + head 1 + hosts length 1; the mean latency costs nothing
		expect(data.length).toBe(1 + hostBytes + 60 * 3);
		expect(decodeBlock(HOUR, data)).toEqual(checks);
		expect(pingLatencies(checks[0].hosts)).toEqual([0.412, 4.107, 38.2]);
	});

	it('refuses checks out of order or outside the hour, and a truncated block', () => {
		const c = (t: number): BlockCheck => ({ t, status: 'UP', latency: 1, hosts: blobOf([]), error: null });
		expect(() => encodeBlock(HOUR, [c(HOUR + 60), c(HOUR)])).toThrow(/out of order/);
		expect(() => encodeBlock(HOUR, [c(HOUR + 3600)])).toThrow(/outside the hour/);
		expect(() => encodeBlock(HOUR, [c(HOUR + 1), c(HOUR + 1)])).toThrow(/out of order/);
		const data = encodeBlock(HOUR, [c(HOUR), { ...c(HOUR + 5), error: 'x'.repeat(20) }]);
		expect(() => decodeBlock(HOUR, data.subarray(0, data.length - 3))).toThrow(/check block: truncated/);
	});
});
