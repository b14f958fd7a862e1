// Which of the spec's timeout ranges fits a host, judged from how the host
// looks (no lookup: the editor answers as the admin types), and a warning
// when the typed timeout is outside it. A warning only: the admin may know
// better (a loopback tunnel to another continent), so saving stays allowed.
//
// The rule:
// - loopback (127/8, 0/8, ::1, ::, `localhost`, `*.localhost`) → local, 500–1000 ms.
// - private (10/8, 172.16/12, 192.168/16, 100.64/10, link-local 169.254/16,
//   fc00::/7, fe80::/10, single-label names, names under .internal, .local,
//   .lan, .home.arpa, .intranet, .corp) → local or same datacenter,
//   500–2000 ms: a private address is as likely a VM in the same datacenter
//   as a service on this machine, and 1500 ms is right for the former.
// - anything else (a public IP, a dotted public name) → same datacenter to
//   global, 1000–10000 ms: where the host is cannot be told from its name.
// IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged by its IPv4 address.
import { TIMEOUT_GUIDANCE } from './services';

export type HostKind = 'loopback' | 'private' | 'public';

const [LOCAL, DATACENTER, , GLOBAL] = TIMEOUT_GUIDANCE;

/** What the spec's guidance allows for each kind of host, in ms, inclusive. */
export const KIND_RANGE: Record<HostKind, { min: number; max: number; words: string }> = {
	loopback: { min: LOCAL.min, max: LOCAL.max, words: `looks local (loopback): the spec's ${LOCAL.label.toLowerCase()}` },
	private: {
		min: LOCAL.min,
		max: DATACENTER.max,
		words: `looks private: the spec's ${LOCAL.label.toLowerCase()} to ${DATACENTER.label.toLowerCase()}`
	},
	public: {
		min: DATACENTER.min,
		max: GLOBAL.max,
		words: `looks public: the spec's ${DATACENTER.label.toLowerCase()} to ${GLOBAL.label.toLowerCase()}`
	}
};

/** The spec's default timeout (Host Object Properties), used when the field is empty. */
export const DEFAULT_TIMEOUT_MS = 1000;

const PRIVATE_SUFFIXES = ['.internal', '.local', '.lan', '.home.arpa', '.intranet', '.corp'];

function ipv4Kind(s: string): HostKind | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
	if (!m) return null;
	const [a, b, c, d] = m.slice(1).map(Number);
	if ([a, b, c, d].some((o) => o > 255)) return null;
	if (a === 127 || a === 0) return 'loopback';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
	if ((a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return 'private';
	return 'public';
}

/** The eight hextets of an IPv6 literal, or null when it is not one. */
function hextets(s: string): number[] | null {
	let tail: number[] = [];
	const v4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
	if (v4) {
		const o = v4[2].split('.').map(Number);
		if (o.some((x) => x > 255)) return null;
		tail = [(o[0] << 8) | o[1], (o[2] << 8) | o[3]];
		s = v4[1].endsWith('::') ? v4[1] : v4[1].slice(0, -1);
	}
	const parts = s.split('::');
	if (parts.length > 2) return null;
	const parse = (p: string) => (p === '' ? [] : p.split(':'));
	const head = parse(parts[0]);
	const rest = parts.length === 2 ? parse(parts[1]) : [];
	if ([...head, ...rest].some((h) => !/^[0-9a-f]{1,4}$/.test(h))) return null;
	const known = head.length + rest.length + tail.length;
	if (parts.length === 1 ? known !== 8 : known > 7) return null;
	const zeros = Array<number>(8 - known).fill(0);
	return [...head.map((h) => parseInt(h, 16)), ...zeros, ...rest.map((h) => parseInt(h, 16)), ...tail];
}

function ipv6Kind(s: string): HostKind | null {
	const h = hextets(s);
	if (!h) return null;
	if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) {
		return ipv4Kind(`${h[6] >> 8}.${h[6] & 255}.${h[7] >> 8}.${h[7] & 255}`);
	}
	if (h.slice(0, 7).every((x) => x === 0) && h[7] <= 1) return 'loopback';
	if ((h[0] & 0xfe00) === 0xfc00 || (h[0] & 0xffc0) === 0xfe80) return 'private';
	return 'public';
}

/** How a host looks, or null when it is empty or not a usable address or name. */
export function hostKind(raw: string): HostKind | null {
	let s = raw.trim().toLowerCase();
	if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
	s = s.replace(/%.*$/, ''); // IPv6 zone id (fe80::1%eth0)
	if (s.endsWith('.')) s = s.slice(0, -1);
	if (!s) return null;
	if (s.includes(':')) return ipv6Kind(s);
	if (/^[\d.]+$/.test(s)) return ipv4Kind(s);
	if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(s)) return null;
	if (s === 'localhost' || s.endsWith('.localhost')) return 'loopback';
	if (!s.includes('.') || PRIVATE_SUFFIXES.some((x) => s.endsWith(x))) return 'private';
	return 'public';
}

export interface TimeoutAdvice {
	kind: HostKind;
	min: number;
	max: number;
	/** Shown beside the timeout: the range and the kind of host. */
	hint: string;
	/** Which of the spec's tiers the range spans, for a tooltip. */
	title: string;
	/** Set when the timeout is outside the range. */
	warning?: string;
}

const WHAT: Record<HostKind, string> = {
	loopback: 'a local host',
	private: 'a private host',
	public: 'a public host'
};

/**
 * The guidance for a host row: null when the host gives nothing to judge.
 * A timeout that is not a whole number in 1–60000 gets no warning: the row's
 * error already says what is wrong with it.
 */
export function timeoutAdvice(host: string, timeout: string): TimeoutAdvice | null {
	const kind = hostKind(host);
	if (!kind) return null;
	const { min, max, words } = KIND_RANGE[kind];
	const hint = `${min}–${max} ms for ${WHAT[kind]}`;
	const title = `This host ${words}`;
	const t = timeout.trim() === '' ? DEFAULT_TIMEOUT_MS : Number(timeout);
	if (!Number.isInteger(t) || t < 1 || t > 60000) return { kind, min, max, hint, title };
	if (t < min)
		return {
			kind,
			min,
			max,
			hint,
			title,
			warning: `${t} ms is short for ${WHAT[kind]}: the spec suggests at least ${min} ms, or a slow answer is counted as a timeout`
		};
	if (t > max)
		return {
			kind,
			min,
			max,
			hint,
			title,
			warning: `${t} ms is long for ${WHAT[kind]}: the spec suggests at most ${max} ms, and an unreachable host holds each check that long`
		};
	return { kind, min, max, hint, title };
}
