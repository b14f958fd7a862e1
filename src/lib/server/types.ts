// Shared shapes of the probe → eval → store pipeline. The probe and eval
// workers import them too (scripts/build-workers.js bundles what they use), so
// this file imports nothing at run time (types only).
import type { MonitorAlertSettings } from './alert-types';

// Ping (and PingStatus) are also drawn by the browser (the run-now panel), so
// they are defined in the client-safe $lib/types and re-exported here.
export type { Ping, PingStatus } from '../types';

/** A host as the probe receives it: validated, defaults applied, "IP4" folded into "tcp". */
export interface Host {
	type: 'tcp' | 'IP6';
	host: string;
	port: number;
	timeout: number;
	// Optional, only when set (see expect.ts): what to do after connect.
	/** A built-in send/expect (expect.ts PRESETS); not with send or expect. */
	preset?: string;
	/** Bytes (UTF-8) to send after connect (and TLS). */
	send?: string;
	/** A prefix of the answer, or "/regex/flags". */
	expect?: string;
	/** TLS handshake right after connect (SNI = host unless it is an IP literal). */
	tls?: boolean;
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

/**
 * A monitor in the spec's JSON format, validated and with defaults applied:
 * what monitors/validate.ts's schema gives (it checks that its output is
 * exactly this) and what db/queries/monitors.ts stores and reads back.
 */
export interface MonitorInput {
	tag: string;
	name: string;
	type: 'TCP';
	type_data: { hosts: Host[] };
	description: string;
	eval: string | null;
	cron: string;
	public: boolean;
	active: boolean;
	show_hosts: boolean;
	group: string | null;
	order: number;
	/** Alert confirmation and reminders (monitors.alert_*). */
	confirm: MonitorAlertSettings;
	/** Names of the alert channels this monitor alerts (monitor_channels), sorted by byCodePoint. */
	channels: string[];
}

/**
 * The order of a monitor's `channels` everywhere: by code point, not the
 * database's collation, so an export read back compares equal.
 */
export const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A tag: 1-64 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit. */
export const TAG = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;
/** Whether a string can be a monitor's tag at all (every stored tag passed validation). */
export const isTag = (s: string) => TAG.test(s);
