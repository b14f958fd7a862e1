// The sandboxed evaluation of an admin's eval function: pure, synchronous,
// one fresh QuickJS runtime + context per call. It runs inside the eval worker
// thread (worker.ts), bundled by scripts/build-workers.js.
//
// What the code under evaluation gets: a fresh QuickJS context (ECMAScript
// builtins only: no process, require, import, fetch, timers, console, file
// system or network; nothing is added) and a COPY of the pings array, made by
// JSON.parse inside the VM. What it gives back is read inside the VM: only
// `status` and `latency`, checked and described there, so a huge or hostile
// return value never crosses into the host.
//
// runEval goes through its stages in order (prepareInput, then EvalRun's
// start, copyPings, compile, call, readReply); each returns what the next
// needs or the DOWN result that ends the evaluation.
//
// Limits, and the QuickJS traps behind them:
// - Time: EvalDeadline (deadline.ts) is the limit; EvalRun (run-stages.ts)
//   asks it from QuickJS's interrupt handler and stops the code once it is
//   overdue; the same check runs between batches of promise jobs. We keep our own `interrupted` flag (the
//   handler sets it) to tell a timeout from other InternalErrors. Some
//   builtins never call the interrupt handler (e.g. Array.prototype.indexOf on
//   an array-like of length 2**53-1): only the pool's watchdog (pool.ts), which
//   terminates the worker thread, stops those.
// - Memory: a WASM memory whose growth is gated (module.ts explains why
//   `runtime.setMemoryLimit` alone is not a limit in this build): while admin
//   code runs, linear memory may not exceed the limit plus a fixed overhead;
//   refused growth surfaces as InternalError "out of memory".
//   setMemoryLimit stays, for single requests.
// - Stack: setMaxStackSize(64 KiB). QuickJS measures emscripten's shadow stack
//   while the WASM frames live on the host thread's native stack; with larger
//   limits deep recursion (or a deeply nested JSON.parse) overflows the host
//   stack first, a host RangeError that leaves the module aborted.
// - Any host-side exception (the above, a WASM abort, a leaked handle tripping
//   JS_FreeRuntime's assertion) marks the module unusable: the caller must
//   build a new one (the worker does, see moduleIsUsable).

import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { DEFAULT_EVAL } from './default';
import { DEFAULT_MEMORY_BYTES, moduleIsUsable } from './module';
import { EvalRun, type RunResult } from './run-stages';
import { errorText } from './vm-helpers';

export { EVAL_STATUSES, type Fault, type RunResult } from './run-stages';
export { MAX_STACK_BYTES, USER_FILE, errorText, locate } from './vm-helpers';

export interface RunLimits {
	/** The time limit (default DEFAULT_TIMEOUT_MS): wall time, or with `cpuMs` this thread's CPU time. */
	timeoutMs?: number;
	memoryBytes?: number;
	/** This thread's CPU clock (ms); with it timeoutMs is CPU time, and wallMs (default timeoutMs) caps wall time. */
	cpuMs?: () => number | null;
	wallMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 1000;

/**
 * Evaluate an admin's eval function on a copy of `pings`, in a fresh QuickJS
 * runtime of `module` (from createEvalModule in module.ts; a plain module
 * works but has no real memory limit). `source`: the function's source;
 * null/undefined = DEFAULT_EVAL. `pings`: the probe results
 * (JSON-serialisable). Never throws; failures are DOWN results whose `error`
 * names the cause.
 */
export function runEval(module: QuickJSWASMModule, source: string | null | undefined, pings: unknown, limits: RunLimits = {}): RunResult {
	const started = performance.now();
	const timeoutMs = positive(limits.timeoutMs, DEFAULT_TIMEOUT_MS);
	const memoryBytes = positive(limits.memoryBytes, DEFAULT_MEMORY_BYTES);
	const run = new EvalRun(module, started, timeoutMs, memoryBytes, {
		cpuMs: limits.cpuMs,
		wallMs: positive(limits.wallMs, timeoutMs)
	});
	const input = prepareInput(module, source, pings);
	if ('error' in input) return run.down(input.error);
	try {
		const failedStart = run.start();
		if (failedStart) return failedStart;
		const copied = run.copyPings(input.json);
		if (run.isResult(copied)) return copied;
		const fn = run.compile(input.source);
		if (run.isResult(fn)) return fn;
		const value = run.call(fn, copied);
		if (run.isResult(value)) return value;
		return run.readReply(value);
	} catch (err) {
		return run.crashed(err);
	} finally {
		run.close();
	}
}

/**
 * Stage 1, before any VM exists: the source to run (DEFAULT_EVAL for none)
 * and the pings as JSON, or the reason there is nothing to run.
 */
export function prepareInput(
	module: QuickJSWASMModule,
	source: unknown,
	pings: unknown
): { source: string; json: string } | { error: string } {
	if (source == null) source = DEFAULT_EVAL;
	if (typeof source !== 'string') return { error: `eval source must be a string, not ${typeof source}` };
	if (!moduleIsUsable(module)) return { error: 'eval sandbox is unusable after an earlier crash' };
	let json: string | undefined;
	try {
		json = JSON.stringify(pings);
	} catch (err) {
		return { error: `eval input could not be serialised: ${errorText(err)}` };
	}
	return { source, json: json ?? 'null' };
}

function positive(v: unknown, fallback: number): number {
	return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}
