// The spec's troubleshooting table applied to a monitor's recent checks:
// for each host row of the editor, which "Common Issues" its pings show.
// Pings are matched to rows by (type, host, port), not by position, so a hint
// goes away once the admin changes what it was about.
//
// Per host, over the recent checks that probed it (n ≥ 1):
// - IPv6 not working: an IP6 row never open, with a network-level error
//   (ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, EAFNOSUPPORT); replaces the two below.
// - Always timeout: every ping timed out.
// - Always error: every ping failed with an error.
// - Intermittent timeouts: some pings timed out, not all.
// - High latency: the open pings' average connect time is at least half the
//   row's timeout (the spec gives no figure; half is where a small slowdown
//   starts turning checks into timeouts).
import type { Ping } from './types';
import type { HostForm } from './monitor-form';
import { TROUBLESHOOTING, type PingIssue } from './services';
import { DEFAULT_TIMEOUT_MS } from './timeout-advice';

export interface HostHint {
	id: PingIssue;
	issue: string;
	cause: string;
	solution: string;
	/** What in the checks shows it, e.g. "timeout in 5 of 5 recent checks". */
	evidence: string;
}

const NET_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT']);
const code = (e?: string) => /^[A-Z_]+/.exec(e ?? '')?.[0] ?? '';
const key = (type: string, host: string, port: string | number) => `${type}|${host.trim().toLowerCase()}|${port}`;
/** "in 3 of 5 recent checks", or "in the latest check" when there is only one. */
const inChecks = (k: number, n: number) => (n === 1 ? 'in the latest check' : `in ${k} of ${n} recent checks`);

function hint(id: PingIssue, evidence: string): HostHint {
	const row = TROUBLESHOOTING.find((t) => t.id === id)!;
	return { id, issue: row.issue, cause: row.cause, solution: row.solution, evidence };
}

/** The hints for one host's pings, newest first or not (order does not matter). */
export function hostHints(pings: Ping[], type: string, timeoutMs: number): HostHint[] {
	const n = pings.length;
	if (n === 0) return [];
	const open = pings.filter((p) => p.status === 'open');
	const timeouts = pings.filter((p) => p.status === 'timeout').length;
	const errors = pings.filter((p) => p.status === 'error');
	const out: HostHint[] = [];
	if (type === 'IP6' && open.length === 0 && errors.some((p) => NET_CODES.has(code(p.error)))) {
		const c = [...new Set(errors.map((p) => code(p.error)).filter((x) => NET_CODES.has(x)))].join(', ');
		out.push(hint('ipv6', `never open ${n === 1 ? 'in the latest check' : `in ${n} recent checks`} (${c})`));
	} else if (timeouts === n) out.push(hint('always-timeout', `timeout ${inChecks(n, n)}`));
	else if (errors.length === n) {
		const codes = [...new Set(errors.map((p) => code(p.error)).filter(Boolean))].join(', ');
		out.push(hint('always-error', `error ${inChecks(n, n)}${codes ? ` (${codes})` : ''}`));
	} else if (timeouts > 0) out.push(hint('intermittent-timeouts', `timeout ${inChecks(timeouts, n)}`));
	if (open.length > 0) {
		const avg = open.reduce((a, p) => a + p.latency, 0) / open.length;
		if (avg >= timeoutMs / 2) {
			const pct = Math.round((avg / timeoutMs) * 100);
			out.push(hint('high-latency', `connect ${Math.round(avg)} ms on average, ${pct} % of the ${timeoutMs} ms timeout`));
		}
	}
	return out;
}

/**
 * The hints for each form row (same index as `hosts`), from recent checks'
 * pings (one array per check). A row whose host, port or type no check
 * probed gets none.
 */
export function troubleshoot(checks: Ping[][], hosts: HostForm[]): HostHint[][] {
	const byHost = new Map<string, Ping[]>();
	for (const pings of checks)
		for (const p of pings) {
			const k = key(p.type, p.host, p.port);
			byHost.set(k, [...(byHost.get(k) ?? []), p]);
		}
	return hosts.map((h) => {
		const port = h.port.trim() === '' ? '80' : String(Number(h.port));
		const t = h.timeout.trim() === '' ? DEFAULT_TIMEOUT_MS : Number(h.timeout);
		return hostHints(byHost.get(key(h.type, h.host, port)) ?? [], h.type, Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS);
	});
}
