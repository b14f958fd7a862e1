// The per-host results of a check, packed into a few bytes.
//
// As JSON, a check row's pings would repeat each host's name, port and type
// every minute and spell out keys and numbers, ~190 bytes for 3 hosts. The
// name/port/type are configuration: they live once in check_host_lists, and a
// row keeps the version of that list it was probed with. Addresses that are
// not the host itself live once in ping_addresses.
// What is left is the result, per host, in list order:
//
//   header byte   bits 0-1 status: 0 open, 1 timeout, 2 error
//                 bits 2-3 address: 0 absent, 1 the host itself (IP literal),
//                                   2 a ping_addresses id follows (varint)
//                 bits 4-5 dnsLatency: 0 absent, 1 zero, 2 whole µs follow
//                                      (varint), 3 float64 follows
//                 bit  6   error text follows (varint byte length + UTF-8)
//                 bit  7   latency is a float64, not whole µs (varint)
//
// A result may be followed by its extension (the optional fields of hosts
// with tls/send/expect, spec "Beyond the port is open"). It starts with a byte
// whose bits 0-1 are 3, which no header ever has, so blobs written before it
// existed decode unchanged, and a plain check is exactly as long as before:
//
//   marker byte   3 (bits 2-7: extension format 0)
//   varint flags  bit 0  tlsLatency follows: whole µs (varint), or with
//                 bit 1  a float64
//                 bit 2  tlsProtocol (varint byte length + UTF-8)
//                 bit 3  certValidTo as epoch ms (zigzag varint), when its ISO
//                        form gives the same string back; else
//                 bit 4  certValidTo as text (length + UTF-8)
//                 bit 5  certDaysLeft, an integer (zigzag varint), or
//                 bit 6  certDaysLeft as a float64
//                 bit 7  tlsError (length + UTF-8)
//                 bit 8  banner (length + UTF-8)
//                 bit 9  matched is present, bit 10 its value
//   the fields, in that order
//
// The blob starts with the host-list version (varint). Latencies from the
// probe are whole microseconds (tcp.ts rounds hrtime to µs), so the varint
// keeps them exactly: 2 bytes under 16 ms, 3 under 2 s. Anything else (a
// fraction of a µs, negative, huge) falls back to a float64, so nothing is
// ever rounded. The migration 0004 writes the same format from SQL.
import type { Ping, PingStatus } from '../../types';

/** What a ping shares with the host it was probed for: the host-list entry. */
export interface HostKey {
	host: string;
	port: number;
	type: Ping['type'];
}

const STATUS: PingStatus[] = ['open', 'timeout', 'error'];
const STATUS_CODE: Record<PingStatus, number> = { open: 0, timeout: 1, error: 2 };

const ADDR_NONE = 0,
	ADDR_HOST = 1,
	ADDR_ID = 2;
const DNS_NONE = 0,
	DNS_ZERO = 1,
	DNS_MICROS = 2,
	DNS_FLOAT = 3;
const HAS_ERROR = 1 << 6;
const LATENCY_FLOAT = 1 << 7;
const EXT_MARKER = 3;
const X_TLS_LAT = 1 << 0,
	X_TLS_LAT_FLOAT = 1 << 1,
	X_PROTOCOL = 1 << 2,
	X_VALID_MS = 1 << 3,
	X_VALID_TEXT = 1 << 4,
	X_DAYS_INT = 1 << 5,
	X_DAYS_FLOAT = 1 << 6,
	X_TLS_ERROR = 1 << 7,
	X_BANNER = 1 << 8,
	X_MATCHED = 1 << 9,
	X_MATCHED_TRUE = 1 << 10;
const X_KNOWN = (1 << 11) - 1;

/** Whole microseconds, when `ms` is exactly that (0 ≤ µs < 2^48); else null. */
export function micros(ms: number): number | null {
	if (!Number.isFinite(ms) || ms < 0) return null;
	const us = Math.round(ms * 1000);
	if (us > 2 ** 48 || us / 1000 !== ms) return null;
	return us;
}

export class Writer {
	buf = new Uint8Array(64);
	n = 0;
	private room(k: number) {
		if (this.n + k <= this.buf.length) return;
		const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
		b.set(this.buf.subarray(0, this.n));
		this.buf = b;
	}
	byte(b: number) {
		this.room(1);
		this.buf[this.n++] = b;
	}
	varint(v: number) {
		this.room(8);
		while (v >= 128) {
			this.buf[this.n++] = (v % 128) | 128;
			v = Math.floor(v / 128);
		}
		this.buf[this.n++] = v;
	}
	float(v: number) {
		this.room(8);
		new DataView(this.buf.buffer, this.buf.byteOffset + this.n, 8).setFloat64(0, v);
		this.n += 8;
	}
	bytes(b: Uint8Array) {
		this.room(b.length);
		this.buf.set(b, this.n);
		this.n += b.length;
	}
	text(s: string) {
		const b = utf8.encode(s);
		this.varint(b.length);
		this.bytes(b);
	}
	/** A signed integer as a zigzag varint (|v| < 2^52). */
	zigzag(v: number) {
		this.varint(v < 0 ? -2 * v - 1 : 2 * v);
	}
	done(): Uint8Array {
		return this.buf.slice(0, this.n);
	}
}

export class Reader {
	i = 0;
	constructor(
		private b: Uint8Array,
		private what = 'check hosts blob'
	) {}
	byte(): number {
		if (this.i >= this.b.length) throw new Error(`${this.what}: truncated`);
		return this.b[this.i++];
	}
	varint(): number {
		let v = 0;
		for (let mul = 1; ; mul *= 128) {
			const b = this.byte();
			v += (b & 127) * mul;
			if (b < 128) return v;
		}
	}
	float(): number {
		if (this.i + 8 > this.b.length) throw new Error(`${this.what}: truncated`);
		const v = new DataView(this.b.buffer, this.b.byteOffset + this.i, 8).getFloat64(0);
		this.i += 8;
		return v;
	}
	bytes(k: number): Uint8Array {
		if (this.i + k > this.b.length) throw new Error(`${this.what}: truncated`);
		return this.b.subarray(this.i, (this.i += k));
	}
	text(): string {
		return fromUtf8.decode(this.bytes(this.varint()));
	}
	zigzag(): number {
		const z = this.varint();
		return z % 2 ? -(z + 1) / 2 : z / 2;
	}
	/** The next byte, not consumed; undefined at the end. */
	peek(): number | undefined {
		return this.i < this.b.length ? this.b[this.i] : undefined;
	}
	get end() {
		return this.i >= this.b.length;
	}
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** The host-list part of pings, as stored in check_host_lists. */
export function hostKeys(pings: Ping[]): HostKey[] {
	return pings.map((p) => ({ host: p.host, port: p.port, type: p.type }));
}

/**
 * Packs pings. `addressId` maps an address that is not the host itself to
 * its ping_addresses id (the caller makes sure every one has an id).
 */
export function encodePings(version: number, pings: Ping[], addressId: (address: string) => number): Uint8Array {
	const w = new Writer();
	w.varint(version);
	for (const p of pings) {
		const us = micros(p.latency);
		const addr = p.address === undefined ? ADDR_NONE : p.address === p.host ? ADDR_HOST : ADDR_ID;
		const dnsUs = p.dnsLatency === undefined ? null : micros(p.dnsLatency);
		const dns =
			p.dnsLatency === undefined
				? DNS_NONE
				: p.dnsLatency === 0 && !Object.is(p.dnsLatency, -0)
					? DNS_ZERO
					: dnsUs !== null
						? DNS_MICROS
						: DNS_FLOAT;
		const err = p.error !== undefined ? HAS_ERROR : 0;
		w.byte(STATUS_CODE[p.status] | (addr << 2) | (dns << 4) | err | (us === null ? LATENCY_FLOAT : 0));
		if (us === null) w.float(p.latency);
		else w.varint(us);
		if (addr === ADDR_ID) w.varint(addressId(p.address!));
		if (dns === DNS_MICROS) w.varint(dnsUs!);
		else if (dns === DNS_FLOAT) w.float(p.dnsLatency!);
		if (err) w.text(p.error!);
		encodeExtension(w, p);
	}
	return w.done();
}

const isInt = (v: number) => Number.isSafeInteger(v) && Math.abs(v) < 2 ** 51 && !Object.is(v, -0);

/** The result's extension, when it has any of the optional fields; nothing otherwise. */
function encodeExtension(w: Writer, p: Ping): void {
	let flags = 0;
	const tlsUs = p.tlsLatency === undefined ? null : micros(p.tlsLatency);
	if (p.tlsLatency !== undefined) flags |= X_TLS_LAT | (tlsUs === null ? X_TLS_LAT_FLOAT : 0);
	if (p.tlsProtocol !== undefined) flags |= X_PROTOCOL;
	let validMs: number | null = null;
	if (p.certValidTo !== undefined) {
		const t = Date.parse(p.certValidTo);
		validMs = Number.isSafeInteger(t) && new Date(t).toISOString() === p.certValidTo ? t : null;
		flags |= validMs !== null ? X_VALID_MS : X_VALID_TEXT;
	}
	if (p.certDaysLeft !== undefined) flags |= isInt(p.certDaysLeft) ? X_DAYS_INT : X_DAYS_FLOAT;
	if (p.tlsError !== undefined) flags |= X_TLS_ERROR;
	if (p.banner !== undefined) flags |= X_BANNER;
	if (p.matched !== undefined) flags |= X_MATCHED | (p.matched ? X_MATCHED_TRUE : 0);
	if (flags === 0) return;
	w.byte(EXT_MARKER);
	w.varint(flags);
	if (flags & X_TLS_LAT) {
		if (tlsUs === null) w.float(p.tlsLatency!);
		else w.varint(tlsUs);
	}
	if (flags & X_PROTOCOL) w.text(p.tlsProtocol!);
	if (flags & X_VALID_MS) w.zigzag(validMs!);
	else if (flags & X_VALID_TEXT) w.text(p.certValidTo!);
	if (flags & X_DAYS_INT) w.zigzag(p.certDaysLeft!);
	else if (flags & X_DAYS_FLOAT) w.float(p.certDaysLeft!);
	if (flags & X_TLS_ERROR) w.text(p.tlsError!);
	if (flags & X_BANNER) w.text(p.banner!);
}

/** Reads an extension (the marker already consumed) into `ping`, or only skips it. */
function readExtension(r: Reader, ping?: Ping): void {
	const flags = r.varint();
	if (flags & ~X_KNOWN) throw new Error(`check hosts blob: unknown result fields (flags ${flags})`);
	const tlsLatency = flags & X_TLS_LAT ? (flags & X_TLS_LAT_FLOAT ? r.float() : r.varint() / 1000) : undefined;
	const tlsProtocol = flags & X_PROTOCOL ? r.text() : undefined;
	const certValidTo = flags & X_VALID_MS ? new Date(r.zigzag()).toISOString() : flags & X_VALID_TEXT ? r.text() : undefined;
	const certDaysLeft = flags & X_DAYS_INT ? r.zigzag() : flags & X_DAYS_FLOAT ? r.float() : undefined;
	const tlsError = flags & X_TLS_ERROR ? r.text() : undefined;
	const banner = flags & X_BANNER ? r.text() : undefined;
	if (!ping) return;
	// The probe's key order (tcp.ts makePing); error, read earlier, goes last.
	const error = ping.error;
	delete ping.error;
	if (tlsLatency !== undefined) ping.tlsLatency = tlsLatency;
	if (tlsProtocol !== undefined) ping.tlsProtocol = tlsProtocol;
	if (certValidTo !== undefined) ping.certValidTo = certValidTo;
	if (certDaysLeft !== undefined) ping.certDaysLeft = certDaysLeft;
	if (tlsError !== undefined) ping.tlsError = tlsError;
	if (banner !== undefined) ping.banner = banner;
	if (flags & X_MATCHED) ping.matched = (flags & X_MATCHED_TRUE) !== 0;
	if (error !== undefined) ping.error = error;
}

/** Reads the extension that may follow a result. */
function maybeExtension(r: Reader, ping?: Ping): void {
	const next = r.peek();
	if (next === undefined || (next & 3) !== EXT_MARKER) return;
	if (next !== EXT_MARKER) throw new Error(`check hosts blob: unknown extension format ${next >> 2}`);
	r.byte();
	readExtension(r, ping);
}

/** The host-list version a blob was written with (its first varint). */
export function blobVersion(blob: Uint8Array): number {
	return new Reader(blob).varint();
}

/** The pings a blob was packed from, in the documented key order. */
export function decodePings(blob: Uint8Array, hosts: HostKey[], address: (id: number) => string): Ping[] {
	const r = new Reader(blob);
	r.varint();
	const out: Ping[] = [];
	for (const h of hosts) {
		if (r.end) throw new Error(`check hosts blob: ${out.length} results for ${hosts.length} hosts`);
		const head = r.byte();
		const status = STATUS[head & 3];
		if (!status) throw new Error(`check hosts blob: bad status ${head & 3}`);
		const latency = head & LATENCY_FLOAT ? r.float() : r.varint() / 1000;
		const ping: Ping = { status, latency, host: h.host, port: h.port, type: h.type };
		const addr = (head >> 2) & 3;
		if (addr === ADDR_HOST) ping.address = h.host;
		else if (addr === ADDR_ID) ping.address = address(r.varint());
		const dns = (head >> 4) & 3;
		if (dns === DNS_ZERO) ping.dnsLatency = 0;
		else if (dns === DNS_MICROS) ping.dnsLatency = r.varint() / 1000;
		else if (dns === DNS_FLOAT) ping.dnsLatency = r.float();
		if (head & HAS_ERROR) ping.error = r.text();
		maybeExtension(r, ping);
		out.push(ping);
	}
	if (!r.end) throw new Error(`check hosts blob: more results than the ${hosts.length} hosts`);
	return out;
}

/**
 * The ping latencies of a blob, in host order, without its host list (each
 * result's header says which fields follow). The block codec uses it to store
 * a check's latency as "the mean of its pings" (the default eval) in no bytes.
 */
export function pingLatencies(blob: Uint8Array): number[] {
	const r = new Reader(blob);
	r.varint();
	const out: number[] = [];
	while (!r.end) {
		const head = r.byte();
		out.push(head & LATENCY_FLOAT ? r.float() : r.varint() / 1000);
		if (((head >> 2) & 3) === ADDR_ID) r.varint();
		const dns = (head >> 4) & 3;
		if (dns === DNS_MICROS) r.varint();
		else if (dns === DNS_FLOAT) r.float();
		if (head & HAS_ERROR) r.bytes(r.varint());
		maybeExtension(r);
	}
	return out;
}

/** Addresses in pings that need a ping_addresses id. */
export function addressesOf(pings: Ping[]): string[] {
	const out: string[] = [];
	for (const p of pings) if (p.address !== undefined && p.address !== p.host) out.push(p.address);
	return out;
}
