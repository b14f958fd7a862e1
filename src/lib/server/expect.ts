// "Beyond the port is open": a host's optional conversation after connect
// (TLS handshake, a request, the expected start of the answer), shared by the
// validation (monitors/validate.ts) and the probe (probe/converse.ts), so both
// read `expect` and the presets the same way. Bundled into the probe worker:
// imports only Node built-ins, re2js and types.
//
// `expect` is either a prefix of the answer (compared byte for byte with its
// UTF-8 bytes), or a regular expression written "/pattern/flags" (flags from
// i, m, s), searched in the answer read as Latin-1 (one byte, one character),
// unanchored unless the pattern says ^. Regexes run on RE2JS, a linear-time
// engine (no backtracking, so no catastrophic pattern exists; lookaround and
// backreferences are refused when the monitor is saved), and only ever on the
// first BANNER_BYTES bytes received.
import { RE2JS } from 're2js';

/** Built-in conversations for text protocols that speak first or answer a one-line request. */
export const PRESETS = {
	ssh: { expect: 'SSH-' },
	smtp: { expect: '220' },
	ftp: { expect: '220' },
	nats: { expect: 'INFO ' },
	imap: { expect: '* OK' },
	pop3: { expect: '+OK' },
	redis: { send: 'PING\r\n', expect: '+PONG' },
	memcached: { send: 'version\r\n', expect: 'VERSION ' }
} as const satisfies Record<string, { send?: string; expect: string }>;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** Bytes of the answer kept for matching and shown as `banner` (escaped, at most this many characters). */
export const BANNER_BYTES = 128;
export const MAX_SEND_BYTES = 1024;
export const MAX_EXPECT_CHARS = 256;

export type Matcher = { kind: 'prefix'; text: string; bytes: Buffer } | { kind: 'regex'; text: string; re: RE2JS };

const REGEX_FORM = /^\/(.+)\/([a-z]*)$/s;
const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/** Reads an `expect` value: a prefix, or "/pattern/flags". Errors are worded for "expect: …". */
export function parseExpect(text: string): { ok: true; matcher: Matcher } | { ok: false; error: string } {
	const m = REGEX_FORM.exec(text);
	if (!m) {
		const bytes = Buffer.from(text, 'utf8');
		// Only the first BANNER_BYTES of the answer are read: a longer prefix could never match.
		if (bytes.length > BANNER_BYTES)
			return {
				ok: false,
				error: `must be at most ${BANNER_BYTES} bytes as a prefix (only the first ${BANNER_BYTES} bytes of the answer are read)`
			};
		return { ok: true, matcher: { kind: 'prefix', text, bytes } };
	}
	// The answer is searched one byte per character (Latin-1): a non-ASCII
	// character in the pattern would be looked for as itself, never as the
	// UTF-8 bytes a server sends.
	if (/[^\p{ASCII}]/u.test(m[1]))
		return { ok: false, error: 'a regular expression must be ASCII (the answer is matched byte by byte); use a prefix for other text' };
	let flags = 0;
	for (const f of m[2]) {
		if (!(f in FLAGS)) return { ok: false, error: `unknown regular expression flag "${f}" (use i, m or s)` };
		flags |= FLAGS[f];
	}
	try {
		return { ok: true, matcher: { kind: 'regex', text, re: RE2JS.compile(m[1], flags) } };
	} catch (e) {
		const why = e instanceof Error ? e.message : String(e);
		return { ok: false, error: `is not a regular expression this probe can run (RE2 syntax: no lookaround or backreferences): ${why}` };
	}
}

/** What a host asks for after connect; null for a plain port check. */
export interface Plan {
	tls: boolean;
	send?: Buffer;
	expect?: Matcher;
}

/** The host's plan (preset resolved), or null when it sets none of tls/send/expect/preset. Throws on an expect that does not parse (validation refuses those first). */
export function planOf(h: { preset?: string; send?: string; expect?: string; tls?: boolean }): Plan | null {
	const preset = h.preset !== undefined ? (PRESETS as Record<string, { send?: string; expect: string }>)[h.preset] : undefined;
	if (h.preset !== undefined && !preset) throw new Error(`unknown preset ${JSON.stringify(h.preset)}`);
	const send = h.send ?? preset?.send;
	const expect = h.expect ?? preset?.expect;
	if (!h.tls && send === undefined && expect === undefined) return null;
	const plan: Plan = { tls: h.tls === true };
	if (send !== undefined) plan.send = Buffer.from(send, 'utf8');
	if (expect !== undefined) {
		const p = parseExpect(expect);
		if (!p.ok) throw new Error(`expect ${p.error}`);
		plan.expect = p.matcher;
	}
	return plan;
}

/**
 * Does `got` (the first bytes, at most BANNER_BYTES) match? undefined = cannot
 * tell yet. `final`: no more bytes are coming (a line ended, the cap was
 * reached, the peer closed, or the time is up).
 */
export function decide(m: Matcher, got: Buffer, final: boolean): boolean | undefined {
	if (m.kind === 'prefix') {
		const n = Math.min(got.length, m.bytes.length);
		if (!got.subarray(0, n).equals(m.bytes.subarray(0, n))) return false;
		if (got.length >= m.bytes.length) return true;
		return final ? false : undefined;
	}
	if (m.re.matcher(got.toString('latin1')).find()) return true;
	return final ? false : undefined;
}

/**
 * Printable ASCII as is; backslash, CR, LF and tab as \\ \r \n \t; any other
 * byte as \xHH. At most BANNER_BYTES characters, never cutting an escape.
 */
export function escapeBytes(b: Uint8Array): string {
	let out = '';
	for (const c of b) {
		const e =
			c === 0x5c
				? '\\\\'
				: c === 0x0d
					? '\\r'
					: c === 0x0a
						? '\\n'
						: c === 0x09
							? '\\t'
							: c >= 0x20 && c < 0x7f
								? String.fromCharCode(c)
								: `\\x${c.toString(16).padStart(2, '0')}`;
		if (out.length + e.length > BANNER_BYTES) break;
		out += e;
	}
	return out;
}
