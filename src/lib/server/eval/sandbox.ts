// The process-wide eval sandbox: what the app, the probe loop and the admin
// pages call. Three pools of worker threads (pool.ts) behind a quarantine
// policy (lanes.ts): functions with a clean record run in the main lane, new
// ones on probation, and functions that hit a limit in a bounded quarantine
// lane, so hostile code cannot delay healthy code. Workers start on first use.

import { EvalLanes, type LaneEvalOptions, type LanesConfig } from './lanes';
import { nativeDefaultEval } from './default';
import type { SyntaxCheck } from './pool';
import type { EvalResult, Ping } from '../types';

export {
	EVAL_DEFAULTS,
	EVAL_WORKER_SPECIFIER,
	EvalPool,
	resolveEvalWorkerUrl,
	type EvalConfig,
	type EvalOptions,
	type SyntaxCheck
} from './pool';
export { EvalLanes, LANE_DEFAULTS, type LaneEvalOptions, type LanesConfig } from './lanes';

// Kept on globalThis so a module reload in `vite dev` does not start a second set of workers.
const SINGLETON = Symbol.for('porthole.evalLanes');
type WithSingleton = typeof globalThis & { [SINGLETON]?: EvalLanes };

/** The process-wide lanes (workers start on first use). */
export function getEvalLanes(): EvalLanes {
	const g = globalThis as WithSingleton;
	return (g[SINGLETON] ??= new EvalLanes());
}

/**
 * Run an eval function (null: the spec's default, natively when that is
 * exactly the sandbox's answer) on a copy of the pings in the sandbox. Never rejects: failures are DOWN results whose `error` names
 * the cause. `durationMs` excludes time spent queued. Pass `key` (e.g. the
 * monitor) so that misbehaviour is remembered per monitor.
 */
export function evaluate(source: string | null, pings: Ping[], opts?: LaneEvalOptions): Promise<EvalResult> {
	// The spec's default function (no source) needs no sandbox: the same code
	// runs natively when that gives the sandbox's answer (default.ts), sparing
	// a worker round trip per check (issue 11.3, idle CPU).
	if (source == null) {
		const r = nativeDefaultEval(pings);
		if (r) return Promise.resolve(r);
	}
	return getEvalLanes().evaluate(source, pings, opts);
}

/** Compile an eval function without running it (admin editor, config validation). */
export function checkEvalSyntax(source: string | null): Promise<SyntaxCheck> {
	return getEvalLanes().checkSyntax(source);
}

/** Defaults for later evaluations, lane sizes and the quarantine policy. */
export function configureEval(config: LanesConfig): void {
	getEvalLanes().configure(config);
}

/** Terminate the workers of both lanes (queued and running evaluations resolve DOWN). */
export function stopEval(): Promise<void> {
	return getEvalLanes().stop();
}
