// The sandboxed evaluation of an admin's eval function: pure, synchronous,
// one fresh QuickJS runtime + context per call. Plain ESM JavaScript (JSDoc
// types, checkJs) because it runs inside the eval worker thread as bare Node,
// which cannot load TypeScript or `$lib` (see DESIGN.md, "Shipping a worker").
//
// What the code under evaluation gets: a fresh QuickJS context (ECMAScript
// builtins only: no process, require, import, fetch, timers, console, file
// system or network; nothing is added) and a COPY of the pings array, made by
// JSON.parse inside the VM. What it gives back is read inside the VM: only
// `status` and `latency`, checked and described there, so a huge or hostile
// return value never crosses into the host.
//
// Limits, and the QuickJS traps behind them:
// - Time: an interrupt handler with a wall-clock deadline covering the whole
//   evaluation, awaited promises included; or, given a CPU clock (`cpuMs`),
//   a budget of this thread's CPU time within a wall-clock cap (`wallMs`),
//   so that waiting for a core on a busy machine is not counted against the
//   code (the lanes' short limit, see lanes.ts). We keep our own `interrupted` flag
//   (the handler sets it) to tell a timeout from other InternalErrors. Some
//   builtins never call the interrupt handler (e.g. Array.prototype.indexOf on
//   an array-like of length 2**53-1): only the watchdog in sandbox.ts, which
//   terminates the worker thread, stops those.
// - Memory: a WASM memory whose growth is gated (module.js explains why
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

import { DEFAULT_EVAL } from './default.js';
import {
	DEFAULT_MEMORY_BYTES,
	HOST_RESERVE_BYTES,
	markUnusable,
	memoryGate,
	moduleIsUsable,
	userCapBytes
} from './module.js';
import { BOOT, EXPLAIN } from './vm-helpers.js';
import { latencyProblem } from './latency.js';

/**
 * @typedef {import('quickjs-emscripten-core').QuickJSWASMModule} QuickJSWASMModule
 * @typedef {import('quickjs-emscripten-core').QuickJSContext} QuickJSContext
 * @typedef {import('quickjs-emscripten-core').QuickJSHandle} QuickJSHandle
 * @typedef {'UP' | 'DEGRADED' | 'DOWN' | 'MAINTENANCE'} Status
 * @typedef {'time' | 'memory' | 'crash'} Fault  which limit the code ran into, if any (see EvalResult.fault)
 * @typedef {{ status: Status, latency: number, error?: string, fault?: Fault, durationMs: number }} RunResult
 * @typedef {{ timeoutMs?: number, memoryBytes?: number, cpuMs?: () => number | null, wallMs?: number }} RunLimits
 *   cpuMs: this thread's CPU clock (ms); with it timeoutMs is CPU time, and wallMs (default timeoutMs) caps wall time
 */

/** Same list as MONITOR_STATUSES in ../types.ts (which a worker cannot import); a test keeps them equal. */
export const EVAL_STATUSES = /** @type {const} */ (['UP', 'DEGRADED', 'DOWN', 'MAINTENANCE']);
export const DEFAULT_TIMEOUT_MS = 1000;
/** See the header: larger values let deep recursion overflow the host stack. */
export const MAX_STACK_BYTES = 64 * 1024;
/** The file name QuickJS reports in stacks for admin code. */
export const USER_FILE = 'eval.js';
const INTERNAL_FILE = 'porthole-eval-internal.js';

/** Pending promise jobs run per batch between two deadline checks. */
const JOB_BATCH = 256;

/**
 * Evaluate an admin's eval function on a copy of `pings`, in a fresh QuickJS
 * runtime of `module` (from createEvalModule in module.js; a plain module
 * works but has no real memory limit). Never throws; failures are DOWN
 * results whose `error` names the cause.
 * @param {QuickJSWASMModule} module
 * @param {string | null | undefined} source  the function's source; null/undefined = DEFAULT_EVAL
 * @param {unknown} pings                     the probe results (JSON-serialisable)
 * @param {RunLimits} [limits]
 * @returns {RunResult}
 */
export function runEval(module, source, pings, limits = {}) {
	const started = performance.now();
	const timeoutMs = positive(limits.timeoutMs, DEFAULT_TIMEOUT_MS);
	const memoryBytes = positive(limits.memoryBytes, DEFAULT_MEMORY_BYTES);
	let deadline = started + timeoutMs;
	// A CPU budget: past the wall deadline, extend it by the budget not used yet, up to the wall cap.
	const cpuStart = limits.cpuMs?.() ?? null;
	const wallCap = started + Math.max(timeoutMs, positive(limits.wallMs, timeoutMs));
	const overdue = () => {
		const now = performance.now();
		if (now <= deadline) return false;
		if (cpuStart !== null && limits.cpuMs && now < wallCap) {
			const used = (limits.cpuMs() ?? Infinity) - cpuStart;
			if (used < timeoutMs) {
				deadline = Math.min(wallCap, now + Math.max(5, timeoutMs - used));
				return false;
			}
		}
		return true;
	};
	/** @param {Status} status @param {number} latency @param {string} [error] @returns {RunResult} */
	const result = (status, latency, error) =>
		error === undefined
			? { status, latency, durationMs: performance.now() - started }
			: { status, latency, error, durationMs: performance.now() - started };
	/** @param {string} error @param {Fault} [fault] @returns {RunResult} */
	const down = (error, fault) => (fault ? { ...result('DOWN', 0, error), fault } : result('DOWN', 0, error));

	if (source == null) source = DEFAULT_EVAL;
	if (typeof source !== 'string') return down(`eval source must be a string, not ${typeof source}`);
	if (!moduleIsUsable(module)) return down('eval sandbox is unusable after an earlier crash');
	let json;
	try {
		json = JSON.stringify(pings);
	} catch (err) {
		return down(`eval input could not be serialised: ${errorText(err)}`);
	}
	if (json === undefined) json = 'null';

	const gate = memoryGate(module);
	const mb = formatMb(memoryBytes);
	let interrupted = false;
	/** @type {import('quickjs-emscripten-core').QuickJSRuntime | undefined} */
	let rt;
	/** @type {QuickJSContext | undefined} */
	let ctx;
	/** @type {QuickJSHandle[]} */
	const handles = [];
	/** @template {QuickJSHandle} T @param {T} h @returns {T} */
	const keep = (h) => (handles.push(h), h);
	/** Admin code may run: hold it to its memory limit. */
	const userPhase = () => {
		if (gate) gate.capBytes = userCapBytes(memoryBytes);
	};
	/** The host reads results: allow a little more so that works after an OOM. */
	const hostPhase = () => {
		if (gate) gate.capBytes = userCapBytes(memoryBytes) + HOST_RESERVE_BYTES;
	};
	const refusedBefore = gate ? gate.refused : 0;
	const timedOut = () => down(`eval timed out after ${timeoutMs} ms`, 'time');
	const outOfMemory = () => down(`eval ran out of memory (limit ${mb} MB)`, 'memory');

	try {
		hostPhase();
		rt = module.newRuntime();
		rt.setMemoryLimit(memoryBytes);
		rt.setMaxStackSize(MAX_STACK_BYTES);
		rt.setInterruptHandler(() => {
			if (interrupted || overdue()) interrupted = true;
			return interrupted;
		});
		ctx = rt.newContext();
		const c = ctx;

		const booted = c.evalCode(BOOT, INTERNAL_FILE, { type: 'global', strict: true });
		if (booted.error) {
			keep(booted.error);
			return interrupted ? timedOut() : down('eval sandbox failed to start');
		}
		const boot = keep(booted.value);
		const at = (/** @type {QuickJSHandle} */ arr, /** @type {number | string} */ key) => keep(c.getProp(arr, key));
		const parseFn = at(boot, 0);
		const settleFn = at(boot, 1);
		const readFn = at(boot, 2);
		const intrinsics = at(boot, 3);

		/** @type {{ describe: QuickJSHandle, error: QuickJSHandle } | null | undefined} */
		let explainers;
		/** EXPLAIN's functions, compiled on first need; null if that failed (timeout, memory). */
		const explain = () => {
			if (explainers !== undefined) return explainers;
			hostPhase();
			explainers = null;
			const made = c.evalCode(EXPLAIN, INTERNAL_FILE, { type: 'global', strict: true });
			if (made.error) return (keep(made.error), null);
			const r = c.callFunction(keep(made.value), c.undefined, intrinsics);
			if (r.error) return (keep(r.error), null);
			const arr = keep(r.value);
			return (explainers = { describe: at(arr, 0), error: at(arr, 1) });
		};
		/** A short description of a value: "up" (quoted), NaN, null, an object, a string of N characters... */
		const describe = (/** @type {QuickJSHandle} */ h) => {
			const ex = explain();
			const r = ex && c.callFunction(ex.describe, c.undefined, h);
			if (!r || r.error) return (r && keep(/** @type {QuickJSHandle} */ (r.error)), c.typeof(h));
			return c.getString(keep(r.value));
		};
		/**
		 * Describe a thrown value (read inside the VM, bounded).
		 * @param {QuickJSHandle} errHandle
		 * @returns {{ name: string, message: string, stack: string } | null}
		 */
		const readError = (errHandle) => {
			const ex = explain();
			const r = ex && c.callFunction(ex.error, c.undefined, errHandle);
			if (!r || r.error) return (r && keep(/** @type {QuickJSHandle} */ (r.error)), null);
			const arr = keep(r.value);
			return {
				name: c.getString(at(arr, 0)),
				message: c.getString(at(arr, 1)),
				stack: c.getString(at(arr, 2))
			};
		};
		/**
		 * The DOWN result for a value thrown by (or a rejection of) the admin's code.
		 * @param {QuickJSHandle} errHandle
		 * @param {'compile' | 'run'} stage
		 */
		const failure = (errHandle, stage) => {
			if (interrupted) return timedOut();
			const e = readError(errHandle);
			if (interrupted) return timedOut();
			const starved = gate !== undefined && gate.refused > refusedBefore;
			if (!e) return starved ? outOfMemory() : down('eval threw a value that could not be read');
			if (e.name === 'InternalError' && e.message === 'out of memory') return outOfMemory();
			// With the heap full, QuickJS cannot allocate the error object and throws null.
			if (starved && !e.name && e.message === 'null') return outOfMemory();
			if (e.name === 'InternalError' && e.message === 'interrupted') return timedOut();
			const where = locate(e.stack);
			if (e.name === 'InternalError' && e.message === 'stack overflow') {
				return down(`eval exceeded the stack limit (recursion too deep)${where.line ? ` (line ${where.line})` : ''}`);
			}
			if (stage === 'compile' && where.compile && e.name === 'SyntaxError') {
				return down(`SyntaxError: ${e.message} (line ${where.line}, column ${where.column})`);
			}
			const what = e.name ? (e.message ? `${e.name}: ${e.message}` : e.name) : e.message;
			return down(`eval threw: ${what}${where.line ? ` (line ${where.line})` : ''}`);
		};

		// The copy of the pings, parsed inside the VM before the admin's code runs.
		userPhase();
		const parsed = c.callFunction(parseFn, c.undefined, keep(c.newString(json)));
		if (parsed.error) {
			keep(parsed.error);
			if (interrupted) return timedOut();
			return gate && gate.refused > refusedBefore
				? outOfMemory()
				: down('eval input (pings) is too large for the sandbox');
		}
		const pingsHandle = keep(parsed.value);

		// The admin's code: a script whose completion value is the function.
		const evaluated = c.evalCode(source, USER_FILE, { type: 'global' });
		if (evaluated.error) return failure(keep(evaluated.error), 'compile');
		const fn = keep(evaluated.value);
		if (c.typeof(fn) !== 'function') {
			const got = describe(fn);
			if (interrupted) return timedOut();
			return down(
				`eval code must evaluate to a function, like ;(async function (arrayOfPings) { ... }), but it evaluated to ${got}`
			);
		}

		userPhase();
		const called = c.callFunction(fn, c.undefined, pingsHandle);
		if (called.error) return failure(keep(called.error), 'run');
		const returned = keep(called.value);
		// Promise.resolve(returned): one path for sync values, promises and thenables.
		const settling = c.callFunction(settleFn, c.undefined, returned);
		if (settling.error) return failure(keep(settling.error), 'run');
		const promise = keep(settling.value);

		/** @type {QuickJSHandle} */
		let value;
		for (;;) {
			const state = c.getPromiseState(promise);
			if (state.type === 'fulfilled') {
				value = keep(state.value);
				break;
			}
			if (state.type === 'rejected') return failure(keep(state.error), 'run');
			if (interrupted || overdue()) return timedOut();
			// No timers exist in the VM: with no job left, nothing can settle it.
			if (!rt.hasPendingJob()) return down("eval's promise never settled");
			const jobs = rt.executePendingJobs(JOB_BATCH);
			if (jobs.error) return failure(keep(jobs.error), 'run');
		}

		// Read status and latency inside the VM (getters run there, under the deadline).
		const read = c.callFunction(readFn, c.undefined, value);
		if (read.error) {
			const r = failure(keep(read.error), 'run');
			return r.error?.startsWith('eval threw: ')
				? down(`eval's result could not be read: ${r.error.slice('eval threw: '.length)}`)
				: r;
		}
		hostPhase();
		const pair = keep(read.value);
		if (c.typeof(pair) !== 'object') {
			return down(`eval returned ${describe(value)}; expected an object like { status: "UP", latency: 12.3 }`);
		}
		const statusHandle = at(pair, 0);
		const latencyHandle = at(pair, 1);
		// Check the type and length before copying a string out of the VM.
		const status =
			c.typeof(statusHandle) === 'string' && c.getNumber(at(statusHandle, 'length')) <= 16
				? c.getString(statusHandle)
				: undefined;
		if (status === undefined || !isStatus(status)) {
			return down(`eval returned status ${describe(statusHandle)}; expected one of ${EVAL_STATUSES.join(', ')}`);
		}
		const latency = c.typeof(latencyHandle) === 'number' ? c.getNumber(latencyHandle) : undefined;
		if (latency === undefined || !Number.isFinite(latency)) {
			return down(`eval returned latency ${describe(latencyHandle)}; expected a finite number`);
		}
		// Finite but absurd (negative, or 1.5e308): DOWN, named, never clamped.
		const problem = latencyProblem(latency);
		if (problem) return down(`eval returned latency ${latency} ms: ${problem}`);
		return result(status, latency);
	} catch (err) {
		// A host-side failure: the module's state can no longer be trusted.
		markUnusable(module);
		if (interrupted) return down(`eval timed out after ${timeoutMs} ms (sandbox crashed: ${errorText(err)})`, 'time');
		return down(`eval crashed the sandbox: ${errorText(err)}`, 'crash');
	} finally {
		if (moduleIsUsable(module)) {
			try {
				for (let i = handles.length - 1; i >= 0; i--) if (handles[i].alive) handles[i].dispose();
				ctx?.dispose();
				rt?.dispose();
			} catch {
				markUnusable(module);
			}
		}
		if (gate) gate.capBytes = Infinity;
	}
}

/**
 * Where in the admin's code an error points, from a QuickJS stack:
 * compile errors read "    at eval.js:4:17", runtime frames "    at f (eval.js:3:10)".
 * @param {string} stack
 * @returns {{ line?: number, column?: number, compile: boolean }}
 */
export function locate(stack) {
	const compile = /^\s*at eval\.js:(\d+):(\d+)\s*$/m.exec(stack.split('\n')[0] ?? '');
	if (compile) return { line: Number(compile[1]), column: Number(compile[2]), compile: true };
	const frame = /\(eval\.js:(\d+)(?::(\d+))?\)/.exec(stack);
	if (frame) return { line: Number(frame[1]), column: frame[2] ? Number(frame[2]) : undefined, compile: false };
	return { compile: false };
}

/** @param {string} s @returns {s is Status} */
function isStatus(s) {
	return /** @type {readonly string[]} */ (EVAL_STATUSES).includes(s);
}

/** @param {unknown} v @param {number} fallback */
function positive(v, fallback) {
	return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

/** @param {number} bytes */
function formatMb(bytes) {
	const mb = bytes / (1024 * 1024);
	return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}

/** @param {unknown} err */
export function errorText(err) {
	if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 300);
	return String(err).slice(0, 300);
}
