// One monitor's checks of one closed UTC hour, packed into one check_blocks
// row. A raw check_results row costs ~62 bytes before any data
// (tuple header, item pointer, key, its index entry); a block pays that once
// an hour. Per check, in slot order:
//
//   varint        seconds since the previous check (the first: since the hour)
//   head byte     bits 0-1 status (STATUS_CODES: UP 0, DEGRADED 1, DOWN 2, MAINTENANCE 3)
//                 bits 2-3 latency: 0 whole µs (varint follows), 1 float64
//                                   follows, 2 the mean of the ping latencies
//                                   (the default eval's formula; nothing follows)
//                 bit  4   error text follows
//   latency       as the head says
//   varint + bytes  the check's per-host blob, exactly as check_results held it
//                   (queries/ping-codec.ts: host-list version, per-host results)
//   varint + UTF-8  the error, when bit 4 is set
//
// The blob starts with a format byte (1). Every value comes back bit for bit:
// a latency is only stored as "the mean" or in whole µs when that gives the
// same float64 back.
import { STATUS_CODES } from '../schema';
import { micros, pingLatencies, Reader, Writer } from './ping-codec';
import type { MonitorStatus } from '../../types';

const FORMAT = 1;
const STATUS_NAMES = Object.keys(STATUS_CODES) as MonitorStatus[];
const LAT_MICROS = 0,
	LAT_FLOAT = 1,
	LAT_MEAN = 2;
const HAS_ERROR = 1 << 4;

/** One check as a block holds it; `t` is whole seconds since SLOT_EPOCH_MS, like check_results.ts. */
export interface BlockCheck {
	t: number;
	status: MonitorStatus;
	latency: number;
	/** The per-host blob (ping-codec). */
	hosts: Uint8Array;
	error: string | null;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** The default eval's latency: the pings' mean, summed left to right from 0. */
function meanOf(hosts: Uint8Array): number | null {
	const l = pingLatencies(hosts);
	if (l.length === 0) return null;
	return l.reduce((a, b) => a + b, 0) / l.length;
}

/**
 * Packs checks of the hour starting at `hour` (seconds since SLOT_EPOCH_MS).
 * They must be in slot order, distinct, and inside the hour.
 */
export function encodeBlock(hour: number, checks: BlockCheck[]): Uint8Array {
	const w = new Writer();
	w.byte(FORMAT);
	let prev = hour;
	checks.forEach((c, i) => {
		if (!Number.isInteger(c.t) || c.t < hour || c.t >= hour + 3600 || (i > 0 && c.t <= prev))
			throw new Error(`check block ${hour}: slot ${c.t} out of order or outside the hour`);
		const code = STATUS_CODES[c.status];
		if (code === undefined) throw new Error(`not a check status: ${c.status}`);
		const us = Object.is(c.latency, -0) ? null : micros(c.latency);
		const mean = meanOf(c.hosts);
		const form = mean !== null && Object.is(mean, c.latency) ? LAT_MEAN : us !== null ? LAT_MICROS : LAT_FLOAT;
		w.varint(c.t - prev);
		w.byte(code | (form << 2) | (c.error !== null ? HAS_ERROR : 0));
		if (form === LAT_MICROS) w.varint(us!);
		else if (form === LAT_FLOAT) w.float(c.latency);
		w.varint(c.hosts.length);
		w.bytes(c.hosts);
		if (c.error !== null) {
			const b = utf8.encode(c.error);
			w.varint(b.length);
			w.bytes(b);
		}
		prev = c.t;
	});
	return w.done();
}

/** The checks a block was packed from, in slot order. */
export function decodeBlock(hour: number, data: Uint8Array): BlockCheck[] {
	const r = new Reader(data, 'check block');
	const format = r.byte();
	if (format !== FORMAT) throw new Error(`check block: unknown format ${format}`);
	const out: BlockCheck[] = [];
	let t = hour;
	while (!r.end) {
		t += r.varint();
		const head = r.byte();
		const status = STATUS_NAMES[head & 3];
		const form = (head >> 2) & 3;
		let latency = form === LAT_MICROS ? r.varint() / 1000 : form === LAT_FLOAT ? r.float() : NaN;
		if (form > LAT_MEAN) throw new Error(`check block: bad latency form ${form}`);
		const hosts = r.bytes(r.varint()).slice();
		if (form === LAT_MEAN) latency = meanOf(hosts)!;
		const error = head & HAS_ERROR ? fromUtf8.decode(r.bytes(r.varint())) : null;
		out.push({ t, status, latency, hosts, error });
	}
	return out;
}
