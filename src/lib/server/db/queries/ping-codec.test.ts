import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blobVersion, decodePings, encodePings, hostKeys, pingLatencies } from './ping-codec';
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
				error: fc.string({ unit: 'grapheme', maxLength: 80 }),
				tlsLatency: fc.oneof(
					fc.integer({ min: 0, max: 5_000_000 }).map((us) => us / 1000),
					fc.double({ min: 0, max: 1e4, noNaN: true })
				),
				tlsProtocol: fc.constantFrom('TLSv1.3', 'TLSv1.2', ''),
				certValidTo: fc.oneof(
					fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
					fc.constantFrom('2026-12-11T10:00:00Z', 'not a date')
				),
				certDaysLeft: fc.oneof(fc.integer({ min: -100_000, max: 100_000 }), fc.double({ noNaN: true }), fc.constant(-0)),
				tlsError: fc.string({ unit: 'grapheme', maxLength: 40 }),
				banner: fc.string({ maxLength: 128 }),
				matched: fc.boolean()
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
					for (const k of ['tlsLatency', 'tlsProtocol', 'certValidTo', 'certDaysLeft', 'tlsError', 'banner', 'matched'] as const)
						if (p[k] !== undefined) (o as unknown as Record<string, unknown>)[k] = p[k];
					if (p.error !== undefined) o.error = p.error;
					return o;
				});
				const blob = encodePings(version, pings, idOf);
				const back = decodePings(blob, hostKeys(pings), addressOf);
				expect(back).toEqual(pings);
				expect(back.map((p) => Object.keys(p))).toEqual(pings.map((p) => Object.keys(p)));
				expect(pingLatencies(blob)).toEqual(pings.map((p) => p.latency));
			})
		);
	});

	it('refuses a blob that does not match its host list', () => {
		const pings: Ping[] = [{ status: 'open', latency: 1, host: 'h', port: 1, type: 'tcp' }];
		const blob = encodePings(1, pings, idOf);
		expect(() => decodePings(blob, [], addressOf)).toThrow(/more results/);
		expect(() => decodePings(blob, [...hostKeys(pings), ...hostKeys(pings)], addressOf)).toThrow(/1 results for 2 hosts/);
	});

	it('decodes blobs written before the extension existed, byte for byte, and writes plain checks the same', () => {
		// Written by hand from the header comment: version 7; open, 412 µs, address = host,
		// dnsLatency 0; error, 90 µs, "ECONNREFUSED".
		const old = Uint8Array.from([0x07, 0x14, 0x9c, 0x03, 0x42, 0x5a, 0x0c, ...Buffer.from('ECONNREFUSED')]);
		const hosts = [
			{ host: '10.0.0.5', port: 5432, type: 'tcp' as const },
			{ host: 'db', port: 5432, type: 'tcp' as const }
		];
		const pings = decodePings(old, hosts, addressOf);
		expect(pings).toEqual([
			{ status: 'open', latency: 0.412, host: '10.0.0.5', port: 5432, type: 'tcp', address: '10.0.0.5', dnsLatency: 0 },
			{ status: 'error', latency: 0.09, host: 'db', port: 5432, type: 'tcp', error: 'ECONNREFUSED' }
		]);
		expect(pingLatencies(old)).toEqual([0.412, 0.09]);
		expect(Buffer.from(encodePings(7, pings, idOf)).equals(Buffer.from(old))).toBe(true);
	});

	it('carries every optional field of a TLS and expect check, in the probe key order, for a few bytes', () => {
		const tlsPing: Ping = {
			status: 'open',
			latency: 0.201,
			host: 'mail.example.com',
			port: 465,
			type: 'tcp',
			address: '192.0.2.9',
			dnsLatency: 1.5,
			tlsLatency: 3.217,
			tlsProtocol: 'TLSv1.3',
			certValidTo: '2026-12-11T10:00:00.000Z',
			certDaysLeft: 4,
			tlsError: 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
			banner: '220 mail.example.com ESMTP\\r\\n',
			matched: true
		};
		const wrong: Ping = {
			status: 'error',
			latency: 0.1,
			host: 'cache',
			port: 6379,
			type: 'tcp',
			address: 'cache',
			dnsLatency: 0,
			banner: '-ERR\\r\\n',
			matched: false,
			error: 'EEXPECT: expected "+PONG", got "-ERR\\r\\n"'
		};
		const expired: Ping = { ...tlsPing, certDaysLeft: -3, certValidTo: '1969-12-31T00:00:00.000Z', matched: undefined };
		delete expired.matched;
		const plain: Ping = { status: 'open', latency: 1, host: 'h', port: 1, type: 'tcp' };
		const all = [tlsPing, wrong, expired, plain];
		const { blob, back } = roundTrip(2, all);
		expect(back).toEqual(all);
		expect(back.map((p) => Object.keys(p))).toEqual(all.map((p) => Object.keys(p)));
		expect(pingLatencies(blob)).toEqual([0.201, 0.1, 0.201, 1]);
		// The TLS ping's extension: marker, flags (2), µs (2), protocol (8), date (6), days (1), texts with their lengths.
		const alone = encodePings(1, [tlsPing], idOf).length - encodePings(1, [{ ...plainOf(tlsPing) }], idOf).length;
		expect(alone).toBe(1 + 2 + 2 + 8 + 6 + 1 + 53 + 31);
	});

	it('refuses an extension it does not know rather than misreading it', () => {
		const plain = encodePings(1, [{ status: 'open', latency: 1, host: 'h', port: 1, type: 'tcp' }], idOf);
		const hosts = [{ host: 'h', port: 1, type: 'tcp' as const }];
		expect(() => decodePings(Uint8Array.from([...plain, 0x07, 0x00]), hosts, addressOf)).toThrow(/unknown extension format 1/);
		expect(() => decodePings(Uint8Array.from([...plain, 0x03, 0x80, 0x10]), hosts, addressOf)).toThrow(/unknown result fields/);
	});
});

/** The ping without the optional fields of the extension. */
function plainOf(p: Ping): Ping {
	const { tlsLatency, tlsProtocol, certValidTo, certDaysLeft, tlsError, banner, matched, ...rest } = p;
	void [tlsLatency, tlsProtocol, certValidTo, certDaysLeft, tlsError, banner, matched];
	return rest;
}
