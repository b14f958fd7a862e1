// Run-now's budget (editor, POST /api/v1/check, POST /api/v1/monitors/{tag}/check).
// On-demand checks must never cost the probe loop a slot: they probe through
// the worker's own small socket budget (limiter.ts), and here they are capped
// per request (hosts, timeout) and in number at once (per caller and in
// total), so the lane stays small and answers within RUN_NOW_MAX_TIMEOUT_MS.
import type { FieldError } from '../monitors/validate';
import type { Host } from '../types';
import type { CheckOutcome } from './check';

/** Hosts one run-now request may probe (a monitor may have up to 100). */
export const RUN_NOW_MAX_HOSTS = 20;
/** Longest per-host timeout a run-now request may ask for (a monitor may have up to 60 000). */
export const RUN_NOW_MAX_TIMEOUT_MS = 10_000;
/** Run-now requests one caller (admin, API key, or address) may have running at once. */
export const RUN_NOW_PER_CALLER = 2;
/** Run-now requests running at once in this process, all callers together. */
export const RUN_NOW_TOTAL = 4;

export type RunNowResult =
	| { ok: true; outcome: CheckOutcome }
	| { ok: false; status: 400; errors: FieldError[] }
	| { ok: false; status: 429; error: string; retryAfterS: number };

/** Over-limit hosts as validation errors (path prefix: where the hosts sit in the body). */
export function runNowLimitErrors(hosts: Host[], path = 'type_data.hosts'): FieldError[] {
	const errors: FieldError[] = [];
	if (hosts.length > RUN_NOW_MAX_HOSTS) {
		errors.push({ path, message: `must be at most ${RUN_NOW_MAX_HOSTS} hosts (the run-now limit), got ${hosts.length}` });
	}
	hosts.forEach((h, i) => {
		if (h.timeout > RUN_NOW_MAX_TIMEOUT_MS) {
			errors.push({
				path: `${path}[${i}].timeout`,
				message: `must be at most ${RUN_NOW_MAX_TIMEOUT_MS} ms (the run-now limit), got ${h.timeout}`
			});
		}
	});
	return errors;
}

/** Who asks, for the per-caller limit: the signed-in admin, else the API key, else the client address. */
export function runNowCaller(locals: { admin?: { id: number } | null; apiKey?: { id: number } | null }, address: () => string): string {
	if (locals.admin) return `admin:${locals.admin.id}`;
	if (locals.apiKey) return `key:${locals.apiKey.id}`;
	try {
		return `address:${address()}`;
	} catch {
		return 'address:unknown';
	}
}

export type Admission = { ok: true; release: () => void } | { ok: false; error: string; retryAfterS: number };

interface Running {
	caller: string;
	/** When it should be done by (epoch ms): the basis of Retry-After. */
	until: number;
}

/** Counts run-now requests in flight; refuses past either limit (no queue: a refused caller retries). */
export class RunNowGate {
	#running = new Set<Running>();

	constructor(
		readonly perCaller = RUN_NOW_PER_CALLER,
		readonly total = RUN_NOW_TOTAL,
		private now: () => number = Date.now
	) {}

	get inFlight(): number {
		return this.#running.size;
	}

	/** Admit a request expected to take up to `expectMs`, or say when to retry. */
	enter(caller: string, expectMs: number): Admission {
		const mine = [...this.#running].filter((r) => r.caller === caller);
		if (mine.length >= this.perCaller) {
			const s = this.#retryAfter(mine);
			return {
				ok: false,
				retryAfterS: s,
				error: `too many run-now requests at once: at most ${this.perCaller} per caller; retry in ${s} s`
			};
		}
		if (this.#running.size >= this.total) {
			const s = this.#retryAfter([...this.#running]);
			return {
				ok: false,
				retryAfterS: s,
				error: `the server is running ${this.total} run-now requests already (its limit); retry in ${s} s`
			};
		}
		const entry: Running = { caller, until: this.now() + expectMs };
		this.#running.add(entry);
		return { ok: true, release: () => void this.#running.delete(entry) };
	}

	/** Whole seconds until the first of `list` should end; at least 1. */
	#retryAfter(list: Running[]): number {
		const soonest = Math.min(...list.map((r) => r.until));
		return Math.max(1, Math.ceil((soonest - this.now()) / 1000));
	}
}

/** Run-now output for machines and the editor: pings, result, timings. */
export function presentOutcome(o: CheckOutcome, ranAt = new Date()) {
	return {
		ranAt: ranAt.toISOString(),
		pings: o.pings,
		result: o.result,
		timings: { probeMs: o.probeMs, evalMs: o.evalMs }
	};
}
