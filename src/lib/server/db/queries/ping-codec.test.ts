import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blobVersion, decodePings, encodePings, hostKeys } from './ping-codec';
import type { Ping } from '../../types';

const ids = new Map<string, number>();
const idOf = (a: string) => {
	if (!ids.has(a)) ids.set(a, ids.size + 1);
	return ids.get(a)!;
};
const addressOf = (id: number) => [...ids].find(([, v]) => v === id)![0];
const roundTrip = (version: number, pings: Ping[]) => {
	const blob = encodePings(version, pings, idOf);
	expect(blobVersion(blob)).toBe(version);
	return { blob, back: decodePings(blob, hostKeys(pings), addressOf) };
};

describe('ping codec', () => {
	it('packs three usual results in a few bytes and gives them back with the same keys in the same order', () => {
		const pings: Ping[] = [
			{ status: 'open', latency: 0.412, host: '10.0.0.5', port: 5432, type: 'tcp', address: '10.0.0.5', dnsLatency: 0 },
			{ status: 'open', latency: 23.107, host: 'db.example.com', port: 5432, type: 'tcp', address: '192.0.2.7', dnsLatency: 1.234 },
			{
				status: 'error',
				latency: 0.09,
				host: '2001:db8::1',
				port: 22,
				type: 'IP6',
				address: '2001:db8::1',
				dnsLatency: 0,
				error: 'ECONNREFUSED: connect ECONNREFUSED [2001:db8::1]:22'
			}
		];
		const { blob, back } = roundTrip(3, pings);
		expect(back).toEqual(pings);
		expect(back.map((p) => Object.keys(p))).toEqual(pings.map((p) => Object.keys(p)));
		// version 1 + (1+2) + (1+3+1+2) + (1+1+1+51 error)
		expect(blob.length).toBeLessThan(70);
		expect(encodePings(1, pings.slice(0, 1), idOf).length).toBe(4);
	});

	it('keeps latencies that are not whole microseconds exactly (float64 fallback)', () => {
		const pings: Ping[] = [
			{ status: 'timeout', latency: 1000.0000001, host: 'h', port: 1, type: 'tcp', dnsLatency: 0.1 + 0.2, error: 'timed out' },
			{ status: 'error', latency: 0, host: 'h', port: 2, type: 'tcp', error: 'EPROBE: probe failed: x' }
		];
		expect(roundTrip(0, pings).back).toEqual(pings);
	});

	it('gives back any pings it was given (property)', () => {
		const ping = fc.record(
			{
				status: fc.constantFrom('open', 'timeout', 'error'),
				latency: fc.oneof(
					fc.integer({ min: 0, max: 60_000_000 }).map((us) => us / 1000),
					fc.double({ min: 0, max: 3.6e6, noNaN: true })
				),
				host: fc.constantFrom('127.0.0.1', 'example.com', '::1'),
				port: fc.integer({ min: 1, max: 65535 }),
				type: fc.constantFrom('tcp', 'IP6'),
				address: fc.constantFrom('127.0.0.1', '192.0.2.1', '::1'),
				dnsLatency: fc.oneof(
					fc.constant(0),
					fc.integer({ min: 0, max: 5_000_000 }).map((us) => us / 1000),
					fc.double({ min: 0, max: 1e4, noNaN: true })
				),
				error: fc.string({ unit: 'grapheme', maxLength: 80 })
			},
			{ requiredKeys: ['status', 'latency', 'host', 'port', 'type'] }
		);
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(ping, { maxLength: 6 }), (version, raw) => {
				// The documented key order, as the probe builds them.
				const pings = raw.map((p) => {
					const o: Ping = { status: p.status, latency: p.latency, host: p.host, port: p.port, type: p.type } as Ping;
					if (p.address !== undefined) o.address = p.address;
					if (p.dnsLatency !== undefined) o.dnsLatency = p.dnsLatency;
					if (p.error !== undefined) o.error = p.error;
					return o;
				});
				const blob = encodePings(version, pings, idOf);
				expect(decodePings(blob, hostKeys(pings), addressOf)).toEqual(pings);
			})
		);
	});

	it('refuses a blob that does not match its host list', () => {
		const pings: Ping[] = [{ status: 'open', latency: 1, host: 'h', port: 1, type: 'tcp' }];
		const blob = encodePings(1, pings, idOf);
		expect(() => decodePings(blob, [], addressOf)).toThrow(/more results/);
		expect(() => decodePings(blob, [...hostKeys(pings), ...hostKeys(pings)], addressOf)).toThrow(/1 results for 2 hosts/);
	});
});
