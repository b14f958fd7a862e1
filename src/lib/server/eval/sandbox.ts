// The eval sandbox as the app, the probe loop and the admin pages use it:
// three pools of worker threads (pool.ts) behind a quarantine policy
// (lanes.ts): functions with a clean record run in the main lane, new ones on
// probation, and functions that hit a limit in a bounded quarantine lane, so
// hostile code cannot delay healthy code. Workers start on first use. The app
// creates one (app.ts boot) and stops it; tests and benches make their own.

import { EvalLanes, type LaneChange, type LaneEvalOptions, type LanesConfig } from './lanes';
import { nativeDefaultEval } from './default';
import type { SyntaxCheck } from './replies';
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

export class EvalSandbox {
	readonly lanes: EvalLanes;

	/** `lanes`: the lanes to use (tests); default new ones with `config`. */
	constructor(config: LanesConfig = {}, lanes?: EvalLanes) {
		this.lanes = lanes ?? new EvalLanes(config);
	}

	/**
	 * Run an eval function (null: the spec's default, natively when that is
	 * exactly the sandbox's answer) on a copy of the pings in the sandbox. Never
	 * rejects: failures are DOWN results whose `error` names the cause.
	 * `durationMs` excludes time spent queued. Pass `key` (e.g. the monitor) so
	 * that misbehaviour is remembered per monitor. A bound function: pass it as
	 * is (the scheduler's and run-now's `evaluate`).
	 */
	readonly evaluate = (source: string | null, pings: Ping[], opts?: LaneEvalOptions): Promise<EvalResult> => {
		// The spec's default function (no source) needs no sandbox: the same code
		// runs natively when that gives the sandbox's answer (default.ts), sparing
		// a worker round trip per check, a large part of idle CPU otherwise.
		if (source == null) {
			const r = nativeDefaultEval(pings);
			if (r) return Promise.resolve(r);
		}
		return this.lanes.evaluate(source, pings, opts);
	};

	/** Compile an eval function without running it (admin editor, config validation). A bound function. */
	readonly checkSyntax = (source: string | null): Promise<SyntaxCheck> => this.lanes.checkSyntax(source);

	/** Defaults for later evaluations, lane sizes and the quarantine policy. */
	configure(config: LanesConfig): void {
		this.lanes.configure(config);
	}

	/** Told when a key is quarantined or forgiven; must not throw. */
	set onChange(listener: ((c: LaneChange) => void) | undefined) {
		this.lanes.onChange = listener;
	}

	/** Terminate the workers of every lane (queued and running evaluations resolve DOWN); they start again on use. */
	stop(): Promise<void> {
		return this.lanes.stop();
	}
}
