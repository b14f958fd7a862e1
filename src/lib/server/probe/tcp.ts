// TCP probe: one connection attempt per host, measured with process.hrtime.bigint().
//
// This module runs inside the probe worker thread (see worker.ts), bundled
// into build/workers/probe-worker.js: it imports only Node built-ins and types.
//
// What a Ping's numbers mean (all in ms, rounded to the microsecond):
// - open:    latency = TCP connect time only: from the connect(2) call
//            ('connectionAttempt') to the 'connect' event. DNS is not included.
// - error:   latency = time from the connect(2) call to the failure (0 when the
//            failure happened before any connect, e.g. ENOTFOUND, bad input).
// - timeout: latency = the whole budget: time queued for a socket slot, DNS
//            and connect (≈ the host's timeout).
// - dnsLatency = name resolution time ('lookup' event); 0 for IP literals,
//            where no lookup happens. Present on every ping.
// - address = the IP that was dialled, when known.
// - hosts with tls/send/expect/preset (converse.ts) go on after connect:
//   latency stays the connect time; the TLS and answer fields are added.
// The timeout is our own timer over queue + DNS + connect (+ TLS and answer) (not
// socket.setTimeout, which is an idle timeout). Its clock starts when the probe
// asks the limiter for a slot: a host that waited for a slot gets only the rest
// of its timeout to connect, and one whose whole timeout passed in the queue
// times out without dialling. So every probe ends within its timeout whatever
// the queue, and a check answers before its monitor's next slot. Queue time is
// never open/error latency: that clock starts at connect(2).

import net from 'node:net';
import type { Host, Ping, PingStatus } from '../types';
import { planOf, type Plan } from '../expect';
import { converse, type Conversation, type Learnt } from './converse';

export {
	DEFAULT_MAX_SOCKETS,
	ONDEMAND_MAX_SOCKETS,
	Limiter,
	createLimiter,
	defaultLimiter,
	onDemandLimiter,
	setMaxSockets,
	getMaxSockets
} from './limiter';
import { defaultLimiter, type Limiter } from './limiter';

/** setTimeout's largest delay; longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** ns as ms, rounded to the microsecond. */
function ms(ns: bigint): number {
	return Math.round(Number(ns) / 1e3) / 1e3;
}

/**
 * Build a Ping with the documented key order: the spec's five fields, then
 * address (when known), dnsLatency, what converse.ts learnt (its own order),
 * error (only when not open).
 */
function makePing(
	h: Host,
	status: PingStatus,
	latency: number,
	address: string | undefined,
	dnsLatency: number,
	error?: string,
	learnt?: Learnt
): Ping {
	const ping: Ping = { status, latency, host: h.host, port: h.port, type: h.type };
	if (address !== undefined) ping.address = address;
	ping.dnsLatency = dnsLatency;
	if (learnt) Object.assign(ping, learnt);
	if (error !== undefined) ping.error = error;
	return ping;
}

function hostPort(host: string, port: number): string {
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Input checks that must hold before dialling. Full validation happens where
 * config is read; these only keep the probe from dialling something other
 * than what was asked (and from throwing). Returns an error ping, or
 * undefined when h is fine.
 */
function checkHost(h: Host): Ping | undefined {
	if (h === null || typeof h !== 'object') {
		const bad: Host = { host: String(h), port: 0, type: 'tcp', timeout: 0 };
		return makePing(bad, 'error', 0, undefined, 0, 'EINVAL: host entry is not an object');
	}
	const fail = (msg: string) => makePing(h, 'error', 0, undefined, 0, `EINVAL: ${msg}`);
	if (h.type !== 'tcp' && h.type !== 'IP6') {
		return fail(`type must be "tcp" (IPv4) or "IP6" (IPv6), got ${JSON.stringify(h.type)}`);
	}
	if (typeof h.host !== 'string' || h.host === '') {
		return fail(`host must be a non-empty string, got ${JSON.stringify(h.host)}`);
	}
	if (!Number.isInteger(h.port) || h.port < 1 || h.port > 65535) {
		return fail(`port must be an integer from 1 to 65535, got ${JSON.stringify(h.port)}`);
	}
	if (typeof h.timeout !== 'number' || !(h.timeout > 0) || !Number.isFinite(h.timeout)) {
		return fail(`timeout must be a positive number of ms, got ${JSON.stringify(h.timeout)}`);
	}
	const literal = net.isIP(h.host);
	const want = h.type === 'IP6' ? 6 : 4;
	if (literal !== 0 && literal !== want) {
		return fail(`${h.host} is an IPv${literal} address, but type "${h.type}" connects over IPv${want} only`);
	}
	return undefined;
}

/**
 * `queuedNs`: time spent waiting for a socket slot; `dialled`: whether any of
 * the budget was left to connect.
 */
function timeoutText(
	name: string,
	port: number,
	timeoutMs: number,
	queuedNs: bigint,
	dialled: boolean,
	waitingFor?: 'tls' | 'answer'
): string {
	const what = waitingFor === 'tls' ? 'TLS handshake with' : waitingFor === 'answer' ? 'answer from' : 'connection to';
	const text = `ETIMEDOUT: no ${what} ${hostPort(name, port)} within ${timeoutMs} ms`;
	const queued = Math.round(Number(queuedNs) / 1e6);
	// Said when it matters, so a full socket budget is not mistaken for the network.
	if (!dialled) return `${text} (all of it waiting for a free socket)`;
	return queued >= 1 ? `${text} (${queued} ms of it waiting for a free socket)` : text;
}

/**
 * One attempt on `h`, a host that passed checkHost. Calls `done` exactly once,
 * after the socket is destroyed. `tQueued`: when the probe asked for a slot,
 * the timeout's clock.
 */
function attempt(h: Host, plan: Plan | null, tQueued: bigint, done: (ping: Ping) => void): void {
	const name = h.host;
	const port = h.port;
	const timeoutMs = h.timeout;
	const timeoutNs = BigInt(Math.round(timeoutMs * 1e6));
	const family = h.type === 'IP6' ? 6 : 4;
	const literal = net.isIP(name) !== 0;
	const tSlot = process.hrtime.bigint();
	const queuedNs = tSlot - tQueued;
	if (queuedNs >= timeoutNs || (queuedNs >= 1_000_000n && timeoutNs - queuedNs < 1_000_000n)) {
		// The whole budget went on waiting for a slot (or all but less than a
		// millisecond, below any timer's reach; an unqueued 1 ms timeout still
		// dials): dialling now could only report on time nobody asked for.
		const error = timeoutText(name, port, timeoutMs, queuedNs, false);
		done(makePing(h, 'timeout', ms(queuedNs), literal ? name : undefined, 0, error));
		return;
	}

	let socket: net.Socket | undefined;
	let settled = false;
	let tStart = 0n; // the attempt began (DNS clock)
	let tConnect = 0n; // connect(2) was called (latency clock for open/error)
	let connecting = false; // connect(2) has been called
	let dnsLatency = 0;
	let address: string | undefined = literal ? name : undefined;
	let conv: Conversation | undefined; // after connect, for hosts with a plan

	const finish = (status: PingStatus, latency: number, error?: string) => {
		settled = true;
		clearTimeout(timer);
		const learnt = conv?.learnt();
		// Also right after 'connect' (plain hosts): the probe only asks whether the port accepts.
		// The 'error' listeners stay attached, so a late error cannot go unhandled.
		conv?.close();
		socket?.destroy();
		done(makePing(h, status, latency, address, dnsLatency, error, learnt));
	};

	const onConnect = () => {
		const t = process.hrtime.bigint(); // first thing: nothing between event and clock
		if (settled) return;
		const connectMs = ms(t - tConnect);
		if (!plan) return finish('open', connectMs);
		conv = converse(socket!, h, plan, t, (o) => {
			if (!settled) finish(o.status, connectMs, o.error);
		});
	};

	const onError = (err: Error & { code?: string }) => {
		const t = process.hrtime.bigint();
		// Once connected, converse.ts answers for the socket's errors.
		if (settled || conv) return;
		const code = err.code ?? err.name ?? 'Error';
		finish('error', connecting ? ms(t - tConnect) : 0, `${code}: ${err.message}`);
	};

	/**
	 * Emitted when name resolution ends (never for IP literals), also after a
	 * timeout destroyed the socket: Node cannot cancel getaddrinfo.
	 */
	const onLookup = (err: Error | null, ip: string) => {
		const t = process.hrtime.bigint();
		if (settled) return;
		dnsLatency = ms(t - tStart);
		tConnect = t; // in case 'connectionAttempt' does not come (older Node)
		if (!err) {
			address = ip;
			connecting = true;
		}
	};

	// Emitted right before connect(2), after the lookup for names and one tick
	// after net.connect() for literals: starting the latency clock here keeps
	// socket construction and the event-loop turn out of the connect time.
	const onAttempt = () => {
		const t = process.hrtime.bigint();
		if (settled) return;
		tConnect = t;
		connecting = true;
	};

	const onTimeout = () => {
		const t = process.hrtime.bigint();
		if (settled) return;
		// A timer may fire a little early by our clock (libuv counts whole ms;
		// seen here: a 300 ms timer after 294 ms under heavy load). Never report
		// a timeout before `timeout` has passed: wait out the rest.
		const left = timeoutNs - (t - tQueued);
		if (left > 0n) {
			timer = setTimeout(onTimeout, Math.min(Math.ceil(Number(left) / 1e6), MAX_TIMER_MS));
			return;
		}
		// Part of an answer in hand: judged as it is (matched or EEXPECT), not a timeout.
		if (conv?.expire()) return;
		finish('timeout', ms(t - tQueued), timeoutText(name, port, timeoutMs, queuedNs, true, conv?.waitingFor()));
	};

	const leftMs = Math.ceil(Number(timeoutNs - queuedNs) / 1e6);
	let timer = setTimeout(onTimeout, Math.min(leftMs, MAX_TIMER_MS));
	try {
		tStart = tConnect = process.hrtime.bigint();
		socket = net.connect({ host: name, port, family, autoSelectFamily: false }, onConnect);
	} catch (e) {
		// Argument errors only (checkHost should have caught them).
		const err = e as Error & { code?: string };
		finish('error', 0, `${err.code ?? err.name ?? 'Error'}: ${err.message}`);
		return;
	}
	// Lookup, connect and errors are all asynchronous: attaching these after
	// net.connect() returns misses nothing and keeps them off the clock.
	socket.on('error', onError);
	socket.on('connectionAttempt', onAttempt);
	if (!literal) socket.on('lookup', onLookup);
}

/**
 * Probe one host: one TCP connection attempt with the host's family only
 * ("tcp" = IPv4, "IP6" = IPv6, never the other). Waits for a slot of
 * `limiter` first. Never rejects: every failure is a ping with status
 * "error" or "timeout" and an `error` string `${code}: ${message}`. Time
 * spent waiting for the slot counts towards the host's timeout. `limiter`:
 * default the module's limiter; null = no cap.
 */
export function probeHost(host: Host, limiter: Limiter | null = defaultLimiter): Promise<Ping> {
	const invalid = checkHost(host);
	if (invalid) return Promise.resolve(invalid);
	let plan: Plan | null;
	try {
		plan = planOf(host);
	} catch (e) {
		return Promise.resolve(makePing(host, 'error', 0, undefined, 0, `EINVAL: ${(e as Error).message}`));
	}
	return new Promise<Ping>((resolve) => {
		const tQueued = process.hrtime.bigint();
		if (!limiter) {
			attempt(host, plan, tQueued, resolve);
			return;
		}
		const lim = limiter;
		// A slot free now is taken synchronously: no time was spent waiting for
		// one, whatever the clock says (on a busy machine a thread can be
		// preempted for a millisecond right here, which is not "waiting for a
		// free socket" and must not be reported as such).
		let synchronous = true;
		lim.run(() =>
			attempt(host, plan, synchronous ? process.hrtime.bigint() : tQueued, (ping) => {
				// The socket is destroyed (its fd closed) before the slot is given back.
				lim.release();
				resolve(ping);
			})
		);
		synchronous = false;
	});
}

/**
 * Probe all hosts at once (subject to the limiter); pings in config order.
 * Never rejects for a host's failure; rejects with a TypeError if `hosts` is
 * not an array. `limiter`: default the module's limiter; null = no cap.
 */
export function probeHosts(hosts: Host[], limiter: Limiter | null = defaultLimiter): Promise<Ping[]> {
	if (!Array.isArray(hosts)) {
		return Promise.reject(new TypeError('probeHosts: hosts must be an array'));
	}
	return Promise.all(hosts.map((h) => probeHost(h, limiter)));
}
