// One evaluation's VM and the stages runEval (run.ts) goes through after
// prepareInput: start, copyPings, compile, call, readReply. run.ts's header
// explains the limits each stage is held to.

import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { EvalDeadline, type DeadlineClock } from './deadline';
import { latencyProblem } from '../latency';
import { HOST_RESERVE_BYTES, markUnusable, memoryGate, moduleIsUsable, userCapBytes, type MemoryGate } from './module';
import { BOOT, EXPLAIN, INTERNAL_FILE, MAX_STACK_BYTES, USER_FILE, errorText, locate } from './vm-helpers';
import { MONITOR_STATUSES, type MonitorStatus } from '../types';

/** Which limit the code ran into, if any (see EvalResult.fault). */
export type Fault = 'time' | 'memory' | 'crash';
export interface RunResult {
	status: MonitorStatus;
	latency: number;
	error?: string;
	fault?: Fault;
	durationMs: number;
}

/** The statuses an eval may return: the monitor statuses (types.ts). */
export const EVAL_STATUSES = MONITOR_STATUSES;

/** Pending promise jobs run per batch between two deadline checks. */
const JOB_BATCH = 256;

/** BOOT's helpers inside the VM (see vm-helpers.ts). */
interface Boot {
	parse: QuickJSHandle;
	settle: QuickJSHandle;
	read: QuickJSHandle;
	intrinsics: QuickJSHandle;
}

/**
 * One evaluation in its own runtime and context: its limits, the handles to
 * free, and the stages after prepareInput. Each stage returns what the next
 * needs, or the DOWN result that ends the evaluation (isResult tells them apart).
 */
export class EvalRun {
	readonly #module: QuickJSWASMModule;
	readonly #started: number;
	readonly #memoryBytes: number;
	readonly #deadline: EvalDeadline;
	readonly #gate: MemoryGate | undefined;
	readonly #refusedBefore: number;
	/** Set by the interrupt handler: tells a timeout from other InternalErrors. */
	#interrupted = false;
	#rt: QuickJSRuntime | undefined;
	#ctx: QuickJSContext | undefined;
	#boot: Boot | undefined;
	/** EXPLAIN's functions, compiled on first need; null if that failed (timeout, memory). */
	#explainers: { describe: QuickJSHandle; error: QuickJSHandle } | null | undefined;
	readonly #handles: QuickJSHandle[] = [];

	constructor(module: QuickJSWASMModule, started: number, timeoutMs: number, memoryBytes: number, clock: DeadlineClock) {
		this.#module = module;
		this.#started = started;
		this.#memoryBytes = memoryBytes;
		this.#deadline = new EvalDeadline(started, timeoutMs, clock);
		this.#gate = memoryGate(module);
		this.#refusedBefore = this.#gate ? this.#gate.refused : 0;
	}

	result(status: MonitorStatus, latency: number, error?: string): RunResult {
		const durationMs = performance.now() - this.#started;
		return error === undefined ? { status, latency, durationMs } : { status, latency, error, durationMs };
	}

	down(error: string, fault?: Fault): RunResult {
		return fault ? { ...this.result('DOWN', 0, error), fault } : this.result('DOWN', 0, error);
	}

	isResult(v: QuickJSHandle | RunResult): v is RunResult {
		return 'durationMs' in v;
	}

	/** Stage 2: a runtime with the limits (the interrupt handler enforces the deadline), a context, BOOT. */
	start(): RunResult | undefined {
		this.#hostPhase();
		const rt = (this.#rt = this.#module.newRuntime());
		rt.setMemoryLimit(this.#memoryBytes);
		rt.setMaxStackSize(MAX_STACK_BYTES);
		rt.setInterruptHandler(() => {
			if (this.#interrupted || this.#deadline.overdue()) this.#interrupted = true;
			return this.#interrupted;
		});
		const c = (this.#ctx = rt.newContext());
		const booted = c.evalCode(BOOT, INTERNAL_FILE, { type: 'global', strict: true });
		if (booted.error) {
			this.#keep(booted.error);
			return this.#interrupted ? this.#timedOut() : this.down('eval sandbox failed to start');
		}
		const boot = this.#keep(booted.value);
		this.#boot = { parse: this.#at(boot, 0), settle: this.#at(boot, 1), read: this.#at(boot, 2), intrinsics: this.#at(boot, 3) };
		return undefined;
	}

	/** Stage 3: the copy of the pings, parsed inside the VM before the admin's code runs. */
	copyPings(json: string): QuickJSHandle | RunResult {
		const c = this.#c;
		this.#userPhase();
		const parsed = c.callFunction(this.#b.parse, c.undefined, this.#keep(c.newString(json)));
		if (parsed.error) {
			this.#keep(parsed.error);
			if (this.#interrupted) return this.#timedOut();
			return this.#starved() ? this.#outOfMemory() : this.down('eval input (pings) is too large for the sandbox');
		}
		return this.#keep(parsed.value);
	}

	/** Stage 4: the admin's code, a script whose completion value must be the function. */
	compile(source: string): QuickJSHandle | RunResult {
		const c = this.#c;
		const evaluated = c.evalCode(source, USER_FILE, { type: 'global' });
		if (evaluated.error) return this.#failure(this.#keep(evaluated.error), 'compile');
		const fn = this.#keep(evaluated.value);
		if (c.typeof(fn) !== 'function') {
			const got = this.#describe(fn);
			if (this.#interrupted) return this.#timedOut();
			return this.down(`eval code must evaluate to a function, like ;(async function (arrayOfPings) { ... }), but it evaluated to ${got}`);
		}
		return fn;
	}

	/** Stage 5: call the function and settle what it returns, running promise jobs under the deadline. */
	call(fn: QuickJSHandle, pings: QuickJSHandle): QuickJSHandle | RunResult {
		const c = this.#c;
		const rt = this.#rt as QuickJSRuntime;
		this.#userPhase();
		const called = c.callFunction(fn, c.undefined, pings);
		if (called.error) return this.#failure(this.#keep(called.error), 'run');
		const returned = this.#keep(called.value);
		// Promise.resolve(returned): one path for sync values, promises and thenables.
		const settling = c.callFunction(this.#b.settle, c.undefined, returned);
		if (settling.error) return this.#failure(this.#keep(settling.error), 'run');
		const promise = this.#keep(settling.value);
		for (;;) {
			const state = c.getPromiseState(promise);
			if (state.type === 'fulfilled') return this.#keep(state.value);
			if (state.type === 'rejected') return this.#failure(this.#keep(state.error), 'run');
			if (this.#interrupted || this.#deadline.overdue()) return this.#timedOut();
			// No timers exist in the VM: with no job left, nothing can settle it.
			if (!rt.hasPendingJob()) return this.down("eval's promise never settled");
			const jobs = rt.executePendingJobs(JOB_BATCH);
			if (jobs.error) return this.#failure(this.#keep(jobs.error), 'run');
		}
	}

	/** Stage 6: read status and latency inside the VM (getters run there, under the deadline), then check them. */
	readReply(value: QuickJSHandle): RunResult {
		const c = this.#c;
		const read = c.callFunction(this.#b.read, c.undefined, value);
		if (read.error) {
			const r = this.#failure(this.#keep(read.error), 'run');
			return r.error?.startsWith('eval threw: ')
				? this.down(`eval's result could not be read: ${r.error.slice('eval threw: '.length)}`)
				: r;
		}
		this.#hostPhase();
		const pair = this.#keep(read.value);
		if (c.typeof(pair) !== 'object') {
			return this.down(`eval returned ${this.#describe(value)}; expected an object like { status: "UP", latency: 12.3 }`);
		}
		const statusHandle = this.#at(pair, 0);
		const latencyHandle = this.#at(pair, 1);
		// Check the type and length before copying a string out of the VM.
		const status =
			c.typeof(statusHandle) === 'string' && c.getNumber(this.#at(statusHandle, 'length')) <= 16 ? c.getString(statusHandle) : undefined;
		if (status === undefined || !isStatus(status)) {
			return this.down(`eval returned status ${this.#describe(statusHandle)}; expected one of ${EVAL_STATUSES.join(', ')}`);
		}
		const latency = c.typeof(latencyHandle) === 'number' ? c.getNumber(latencyHandle) : undefined;
		if (latency === undefined || !Number.isFinite(latency)) {
			return this.down(`eval returned latency ${this.#describe(latencyHandle)}; expected a finite number`);
		}
		// Finite but absurd (negative, or 1.5e308): DOWN, named, never clamped.
		const problem = latencyProblem(latency);
		if (problem) return this.down(`eval returned latency ${latency} ms: ${problem}`);
		return this.result(status, latency);
	}

	/** A host-side failure: the module's state can no longer be trusted. */
	crashed(err: unknown): RunResult {
		markUnusable(this.#module);
		if (this.#interrupted) {
			return this.down(`eval timed out after ${this.#deadline.timeoutMs} ms (sandbox crashed: ${errorText(err)})`, 'time');
		}
		return this.down(`eval crashed the sandbox: ${errorText(err)}`, 'crash');
	}

	/** Free every handle, the context and the runtime (unless the module crashed), and lift the memory cap. */
	close(): void {
		if (moduleIsUsable(this.#module)) {
			try {
				for (let i = this.#handles.length - 1; i >= 0; i--) if (this.#handles[i].alive) this.#handles[i].dispose();
				this.#ctx?.dispose();
				this.#rt?.dispose();
			} catch {
				markUnusable(this.#module);
			}
		}
		if (this.#gate) this.#gate.capBytes = Infinity;
	}

	get #c(): QuickJSContext {
		return this.#ctx as QuickJSContext;
	}

	get #b(): Boot {
		return this.#boot as Boot;
	}

	#keep<T extends QuickJSHandle>(h: T): T {
		this.#handles.push(h);
		return h;
	}

	#at(arr: QuickJSHandle, key: number | string): QuickJSHandle {
		return this.#keep(this.#c.getProp(arr, key));
	}

	/** Admin code may run: hold it to its memory limit. */
	#userPhase(): void {
		if (this.#gate) this.#gate.capBytes = userCapBytes(this.#memoryBytes);
	}

	/** The host reads results: allow a little more so that works after an OOM. */
	#hostPhase(): void {
		if (this.#gate) this.#gate.capBytes = userCapBytes(this.#memoryBytes) + HOST_RESERVE_BYTES;
	}

	#starved(): boolean {
		return this.#gate !== undefined && this.#gate.refused > this.#refusedBefore;
	}

	#timedOut(): RunResult {
		return this.down(`eval timed out after ${this.#deadline.timeoutMs} ms`, 'time');
	}

	#outOfMemory(): RunResult {
		return this.down(`eval ran out of memory (limit ${formatMb(this.#memoryBytes)} MB)`, 'memory');
	}

	#explain(): { describe: QuickJSHandle; error: QuickJSHandle } | null {
		if (this.#explainers !== undefined) return this.#explainers;
		const c = this.#c;
		this.#hostPhase();
		this.#explainers = null;
		const made = c.evalCode(EXPLAIN, INTERNAL_FILE, { type: 'global', strict: true });
		if (made.error) return (this.#keep(made.error), null);
		const r = c.callFunction(this.#keep(made.value), c.undefined, this.#b.intrinsics);
		if (r.error) return (this.#keep(r.error), null);
		const arr = this.#keep(r.value);
		return (this.#explainers = { describe: this.#at(arr, 0), error: this.#at(arr, 1) });
	}

	/** A short description of a value: "up" (quoted), NaN, null, an object, a string of N characters... */
	#describe(h: QuickJSHandle): string {
		const c = this.#c;
		const ex = this.#explain();
		const r = ex && c.callFunction(ex.describe, c.undefined, h);
		if (!r || r.error) return (r && this.#keep(r.error as QuickJSHandle), c.typeof(h));
		return c.getString(this.#keep(r.value));
	}

	/** Describe a thrown value (read inside the VM, bounded). */
	#readError(errHandle: QuickJSHandle): { name: string; message: string; stack: string } | null {
		const c = this.#c;
		const ex = this.#explain();
		const r = ex && c.callFunction(ex.error, c.undefined, errHandle);
		if (!r || r.error) return (r && this.#keep(r.error as QuickJSHandle), null);
		const arr = this.#keep(r.value);
		return { name: c.getString(this.#at(arr, 0)), message: c.getString(this.#at(arr, 1)), stack: c.getString(this.#at(arr, 2)) };
	}

	/** The DOWN result for a value thrown by (or a rejection of) the admin's code. */
	#failure(errHandle: QuickJSHandle, stage: 'compile' | 'run'): RunResult {
		if (this.#interrupted) return this.#timedOut();
		const e = this.#readError(errHandle);
		if (this.#interrupted) return this.#timedOut();
		const starved = this.#starved();
		if (!e) return starved ? this.#outOfMemory() : this.down('eval threw a value that could not be read');
		if (e.name === 'InternalError' && e.message === 'out of memory') return this.#outOfMemory();
		// With the heap full, QuickJS cannot allocate the error object and throws null.
		if (starved && !e.name && e.message === 'null') return this.#outOfMemory();
		if (e.name === 'InternalError' && e.message === 'interrupted') return this.#timedOut();
		const where = locate(e.stack);
		if (e.name === 'InternalError' && e.message === 'stack overflow') {
			return this.down(`eval exceeded the stack limit (recursion too deep)${where.line ? ` (line ${where.line})` : ''}`);
		}
		if (stage === 'compile' && where.compile && e.name === 'SyntaxError') {
			return this.down(`SyntaxError: ${e.message} (line ${where.line}, column ${where.column})`);
		}
		const what = e.name ? (e.message ? `${e.name}: ${e.message}` : e.name) : e.message;
		return this.down(`eval threw: ${what}${where.line ? ` (line ${where.line})` : ''}`);
	}
}

function isStatus(s: string): s is MonitorStatus {
	return (EVAL_STATUSES as readonly string[]).includes(s);
}

function formatMb(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}
