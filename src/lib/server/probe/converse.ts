// After connect, for hosts with tls/send/expect/preset: the TLS handshake,
// the request and the start of the answer. tcp.ts owns the socket and the one
// timer over the whole check; this module reports an outcome once, and what
// it has learnt so far when tcp.ts ends the check first (timeout, socket
// error).
//
// Status rules (documented in README, "Beyond the port is open"):
// - handshake failed (not TLS, reset, protocol error): "error", `${code}: …`.
// - handshake done, certificate not trusted (self-signed, expired, wrong
//   name): NOT fatal. tlsError says why; the status is decided by the rest
//   (the eval may then weigh tlsError or certDaysLeft).
// - answer does not match expect: "error", `EEXPECT: expected "…", got "…"`
//   with matched false; latency stays the TCP connect time.
// - nothing decided before the host's timeout: "timeout" (tcp.ts), with
//   whatever was learnt (banner so far, matched false, TLS fields).
import net from 'node:net';
import tls from 'node:tls';
import type { Host, PingStatus } from '../types';
import { BANNER_BYTES, decide, escapeBytes, type Plan } from '../expect';

/** The optional fields of a Ping this stage fills in, in the Ping's key order. */
export interface Learnt {
	tlsLatency?: number;
	tlsProtocol?: string;
	certValidTo?: string;
	certDaysLeft?: number;
	tlsError?: string;
	banner?: string;
	matched?: boolean;
}

export interface Outcome {
	status: PingStatus;
	error?: string;
}

export interface Conversation {
	/** Fields learnt so far (for a check that ends early). */
	learnt(): Learnt;
	/** What the check was waiting for, for a timeout's text. */
	waitingFor(): 'tls' | 'answer';
	/**
	 * The time is up: with part of an answer in hand, decide on it (calls
	 * `done`, returns true); with nothing, return false (a timeout).
	 */
	expire(): boolean;
	/** Destroy the TLS socket, if any (tcp.ts destroys the TCP one). */
	close(): void;
}

const TLS_TEXT: Record<string, string> = {
	DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
	SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
	CERT_HAS_EXPIRED: 'certificate has expired',
	CERT_NOT_YET_VALID: 'certificate is not yet valid',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown issuer',
	ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host name'
};

const DAY_MS = 86_400_000;

/** ns as ms, rounded to the microsecond (as tcp.ts). */
const ms = (ns: bigint) => Math.round(Number(ns) / 1e3) / 1e3;

function errText(err: Error & { code?: string }): string {
	return `${err.code ?? err.name ?? 'Error'}: ${err.message}`;
}

/**
 * Start the conversation on a connected `socket`. `tConnected`: when the TCP
 * connect completed (tlsLatency's clock). `done` is called at most once.
 */
export function converse(socket: net.Socket, h: Host, plan: Plan, tConnected: bigint, done: (o: Outcome) => void): Conversation {
	const learnt: Learnt = {};
	let stage: 'tls' | 'answer' = plan.tls ? 'tls' : 'answer';
	let tlsSocket: tls.TLSSocket | undefined;
	let got = Buffer.alloc(0);
	let over = false;
	const end = (o: Outcome) => {
		if (over) return;
		over = true;
		done(o);
	};

	const answered = (final: boolean) => {
		const m = plan.expect!;
		const verdict = decide(m, got, final);
		if (verdict === undefined) return;
		learnt.banner = escapeBytes(got);
		learnt.matched = verdict;
		if (verdict) end({ status: 'open' });
		else {
			const shown = got.length ? `"${learnt.banner}"` : 'nothing (connection closed)';
			end({ status: 'error', error: `EEXPECT: expected "${escapeBytes(Buffer.from(m.text, 'utf8'))}", got ${shown}` });
		}
	};

	const talk = (stream: net.Socket) => {
		stage = 'answer';
		if (!plan.expect) {
			if (plan.send) stream.write(plan.send);
			end({ status: 'open' });
			return;
		}
		learnt.banner = '';
		learnt.matched = false;
		stream.on('data', (chunk: Buffer) => {
			if (over) return;
			got = Buffer.concat([got, chunk]).subarray(0, BANNER_BYTES);
			learnt.banner = escapeBytes(got);
			answered(got.includes(0x0a) || got.length >= BANNER_BYTES);
		});
		stream.on('end', () => answered(true));
		if (plan.send) stream.write(plan.send);
		stream.resume();
	};

	const onError = (err: Error & { code?: string }) => {
		if (over) return;
		// A reset in the middle of an answer: judge what came.
		if (stage === 'answer' && plan.expect && got.length) return answered(true);
		end({ status: 'error', error: errText(err) });
	};
	// tcp.ts leaves the socket's errors to this module once it is connected.
	socket.on('error', onError);

	if (!plan.tls) {
		talk(socket);
	} else {
		const literal = net.isIP(h.host) !== 0;
		// Not rejectUnauthorized: an untrusted certificate is reported (tlsError), not fatal.
		tlsSocket = tls.connect({ socket, servername: literal ? undefined : h.host, rejectUnauthorized: false });
		tlsSocket.on('error', onError);
		tlsSocket.once('secureConnect', () => {
			const t = process.hrtime.bigint();
			if (over) return;
			const s = tlsSocket!;
			learnt.tlsLatency = ms(t - tConnected);
			learnt.tlsProtocol = s.getProtocol() ?? undefined;
			const cert = s.getPeerX509Certificate();
			if (cert) {
				const validTo = new Date(cert.validTo);
				if (!Number.isNaN(validTo.getTime())) {
					learnt.certValidTo = validTo.toISOString();
					learnt.certDaysLeft = Math.floor((validTo.getTime() - Date.now()) / DAY_MS);
				}
			}
			if (!s.authorized) {
				const code = String(s.authorizationError ?? 'UNKNOWN');
				learnt.tlsError = TLS_TEXT[code] ? `${code}: ${TLS_TEXT[code]}` : code;
			}
			talk(s);
		});
	}

	return {
		learnt: () => ({ ...learnt }),
		waitingFor: () => stage,
		expire: () => {
			if (!over && stage === 'answer' && plan.expect && got.length) answered(true);
			return over;
		},
		close: () => tlsSocket?.destroy()
	};
}
