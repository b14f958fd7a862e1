// Shared shapes of the probe → eval → store pipeline. The probe and eval
// workers import them too (scripts/build-workers.js bundles what they use), so
// this file imports nothing.

/** A host as the probe receives it: validated, defaults applied, "IP4" folded into "tcp". */
export interface Host {
	type: 'tcp' | 'IP6';
	host: string;
	port: number;
	timeout: number;
}

export type PingStatus = 'open' | 'timeout' | 'error';

/** One host's result: the spec's five fields first, then debugging extras. */
export interface Ping {
	status: PingStatus;
	/** TCP connect time in fractional ms (process.hrtime.bigint), DNS excluded. */
	latency: number;
	host: string;
	port: number;
	type: 'tcp' | 'IP6';
	/** The IP actually dialled, when resolution got that far. */
	address?: string;
	/** Name resolution time in ms; 0 for IP literals. */
	dnsLatency?: number;
	/** For timeout/error: system code and message, e.g. "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1". */
	error?: string;
}

export const MONITOR_STATUSES = ['UP', 'DEGRADED', 'DOWN', 'MAINTENANCE'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

/** What an eval function produced, or the DOWN result that stands in for its failure. */
export interface EvalResult {
	status: MonitorStatus;
	latency: number;
	/** Set when the function failed (threw, timed out, wrong shape…): names the cause. */
	error?: string;
	/**
	 * Set when the code ran into a sandbox limit: the time limit (including a
	 * watchdog termination), the memory limit, or a crash of the sandbox. Such
	 * code is quarantined (eval/lanes.ts); other failures are its own answers.
	 */
	fault?: EvalFault;
	/**
	 * Set when the answer came without the code running to its end, for reasons
	 * not its own (quarantine, the sandbox busy past the check's deadline, or
	 * stopped): it says nothing about the code.
	 */
	notRun?: true;
	/** Wall-clock ms the evaluation took, sandbox start-up included. */
	durationMs: number;
	/** CPU ms the evaluation used, where the sandbox can tell (Linux; 10 ms steps). */
	cpuMs?: number;
}

export const EVAL_FAULTS = ['time', 'memory', 'crash'] as const;
export type EvalFault = (typeof EVAL_FAULTS)[number];
