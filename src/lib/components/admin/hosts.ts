// Client-side checks for a host row, run on blur and then live.
// The server's validateMonitor stays the authority; these only answer sooner,
// in the same words where they overlap.
import type { HostForm } from '$lib/monitor-form';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const looksIPv6 = (h: string) => h.includes(':');

export function hostProblems(h: HostForm): Partial<Record<'host' | 'port' | 'timeout', string>> {
	const out: Partial<Record<'host' | 'port' | 'timeout', string>> = {};
	const host = h.host.trim();
	if (!host) out.host = 'Host must not be empty';
	else if (h.type === 'IP6' && IPV4.test(host)) out.host = 'IPv4 address in an IP6 row: switch type?';
	else if (h.type === 'tcp' && looksIPv6(host)) out.host = 'IPv6 address in a tcp (IPv4) row: switch type?';
	if (h.port.trim() !== '') {
		const p = Number(h.port);
		if (!Number.isInteger(p) || p < 1 || p > 65535) out.port = 'Port must be 1–65535';
	}
	if (h.timeout.trim() !== '') {
		const t = Number(h.timeout);
		if (!Number.isInteger(t) || t < 1 || t > 60000) out.timeout = 'Timeout must be 1–60000 ms';
	}
	return out;
}

export const newHost = (): HostForm => ({ type: 'tcp', host: '', port: '80', timeout: '1000' });

/** The presets (server/expect.ts PRESETS, same names) as the Check picker names them. */
export const PRESET_LABELS: Record<string, string> = {
	ssh: 'SSH banner',
	smtp: 'SMTP greeting',
	ftp: 'FTP greeting',
	nats: 'NATS INFO',
	imap: 'IMAP greeting',
	pop3: 'POP3 greeting',
	redis: 'Redis PING',
	memcached: 'Memcached version'
};

/** The Check picker's value: '' open port only, a preset name, or 'custom'. */
export interface CheckInputs {
	mode: string;
	/** As typed: escapes \r \n \t \\ (see escapeSend). */
	send: string;
	expect: string;
	tls: boolean;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', '\t': '\\t' };
const UNESCAPES: Record<string, string> = { '\\': '\\', r: '\r', n: '\n', t: '\t' };

/** `send` as the Send input shows it: CR, LF, tab and backslash typed as \r \n \t \\. */
export const escapeSend = (s: string) => s.replace(/[\\\r\n\t]/g, (c) => ESCAPES[c]);

/** The Send input's text as the bytes to send; a backslash before anything else stays as typed. */
export const unescapeSend = (s: string) => s.replace(/\\([\\rnt])/g, (_, c: string) => UNESCAPES[c]);

function parseCheck(check: string | undefined): Record<string, unknown> {
	if (!check) return {};
	try {
		const v = JSON.parse(check);
		return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
	} catch {
		return {};
	}
}

/** The Check line's controls for a host's check JSON (HostForm.check). */
export function checkInputs(check: string | undefined): CheckInputs {
	const v = parseCheck(check);
	const str = (x: unknown) => (typeof x === 'string' ? x : '');
	const custom = v.send !== undefined || v.expect !== undefined;
	return {
		mode: typeof v.preset === 'string' ? v.preset : custom ? 'custom' : '',
		send: escapeSend(str(v.send)),
		expect: str(v.expect),
		tls: v.tls === true
	};
}

/**
 * The check JSON for the controls: only the fields set (blank Send/Expect and
 * an unticked TLS are left out, so a plain host has none), any other field
 * the JSON had kept for validation to name; undefined when nothing is left.
 */
export function checkFromInputs(previous: string | undefined, c: CheckInputs): string | undefined {
	const rest = Object.fromEntries(Object.entries(parseCheck(previous)).filter(([k]) => !['preset', 'send', 'expect', 'tls'].includes(k)));
	const out: Record<string, unknown> = {};
	if (c.mode && c.mode !== 'custom') out.preset = c.mode;
	if (c.mode === 'custom' && c.send !== '') out.send = unescapeSend(c.send);
	if (c.mode === 'custom' && c.expect !== '') out.expect = c.expect;
	if (c.tls) out.tls = true;
	Object.assign(out, rest);
	return Object.keys(out).length ? JSON.stringify(out) : undefined;
}
