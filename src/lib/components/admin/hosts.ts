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

/**
 * A host's probe fields (HostForm.check, JSON) in words for the row, e.g.
 * `TLS · redis preset` or `sends "PING\r\n" · expects "+PONG"`; '' for none.
 * They are edited in the monitor's JSON (import, API, MONITORS_FILE); the
 * editor keeps them as they are.
 */
export function checkSummary(check: string | undefined): string {
	if (!check) return '';
	let v: Record<string, unknown>;
	try {
		v = JSON.parse(check);
	} catch {
		return check;
	}
	if (!v || typeof v !== 'object') return check;
	const q = (s: unknown) => JSON.stringify(String(s));
	const parts: string[] = [];
	if (v.tls === true) parts.push('TLS');
	if (v.preset !== undefined) parts.push(`${String(v.preset)} preset`);
	if (v.send !== undefined) parts.push(`sends ${q(v.send)}`);
	if (v.expect !== undefined) parts.push(`expects ${q(v.expect)}`);
	return parts.join(' · ');
}
