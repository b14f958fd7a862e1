// Main-thread side of the eval sandbox: a small pool of worker threads, each
// running one evaluation at a time (QuickJS/WASM, fresh runtime per call, see
// run.ts) from one queue (queue.ts: urgent tasks first, FIFO within each kind). The
// process runs three such pools, the main, probation and quarantine lanes
// (lanes.ts decides which code runs where); the app creates the lanes
// (app.ts) and sandbox.ts is the entry point its callers use.
//
// The worker enforces the time and memory limits itself: the time limit in
// the worker's interrupt handler (deadline.ts, the one place it is enforced),
// memory by gated WASM memory. This pool only backs the time limit up: some
// builtins never call QuickJS's interrupt handler (e.g. Array.prototype.indexOf
// on {length: 2**53 - 1}), so a wall-clock watchdog per task, timeoutMs +
// graceMs, terminate()s a worker that has not answered by then, answers DOWN
// "eval timed out after N ms (sandbox terminated)" and starts a
// replacement. A worker that crashes or exits fails its task with DOWN and is
// replaced too. evaluate() never rejects. Results that ran into a limit carry
// `fault` (time, memory, crash), which lanes.ts acts on.
//
// Workers are unref()'d while idle (they never keep the process alive by
// themselves) and ref()'d while they hold a task or work is queued, so a
// script awaiting evaluate() does not exit under it.

import { resolvePackageExport } from '../worker-url';
import { Worker } from 'node:worker_threads';
import type { EvalResult, Ping } from '../types';
import { DEFAULT_EVAL } from './default';
import { checkResult, checkSyntaxReply, down, type SyntaxCheck } from './replies';
import { threadCpuMs } from './cpu';
import { TaskQueue, type EvalMessage, type Task } from './queue';

import { EVAL_DEFAULTS, type EvalConfig, type PoolEvalOptions } from './options';

export type { SyntaxCheck } from './replies';
export { EVAL_DEFAULTS, type EvalConfig, type EvalOptions, type PoolEvalOptions } from './options';

export const EVAL_WORKER_SPECIFIER = 'porthole/eval-worker';

/** Per-thread V8 heap cap: a second line of defence (QuickJS's heap is WASM memory, outside it). */
const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };
/** Workers that die before they are ready, in a row, before queued work is failed. */
const MAX_START_FAILURES = 3;

/** The worker file, by package self-reference (see resolvePackageExport). */
export function resolveEvalWorkerUrl(): URL {
	return resolvePackageExport(EVAL_WORKER_SPECIFIER);
}

interface Slot {
	worker: Worker;
	/** The worker's OS thread id (Linux), from its 'ready': for its CPU time. */
	tid?: number;
	ready: boolean;
	task?: Task;
	/** Terminated or replaced by us: its exit is expected. */
	dropped: boolean;
}

/** `rebuilding`: the evaluation crashed the worker's module; it says 'ready' again when a new one is. */
type WorkerReply = { type: 'ready'; wasmModule?: unknown; tid?: unknown } | { id: number; result: unknown; rebuilding?: boolean };

/**
 * QuickJS's compiled WebAssembly, from the first worker that compiled it,
 * handed to every worker started after (in every lane): a replacement for a
 * terminated worker then starts in milliseconds instead of compiling again
 * (100-300 ms of CPU, more on a busy machine).
 */
let sharedWasm: WebAssembly.Module | undefined;

function positive(v: unknown, fallback: number): number {
	return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

export class EvalPool {
	#config: Required<Omit<EvalConfig, 'url'>>;
	#url: URL | undefined;
	#slots: Slot[] = [];
	#waiting = new TaskQueue();
	#nextId = 1;
	#startFailures = 0;
	#lastStartError = '';
	/** Set on first use: from then on the pool keeps `workers` threads (replacing lost ones at once). */
	#started = false;
	/** Workers started so far (replacements included); for tests and diagnostics. */
	starts = 0;
	/** Workers terminated by the watchdog so far. */
	terminations = 0;
	/** Evaluations accepted so far (syntax checks not counted). */
	accepted = 0;

	constructor(config: EvalConfig = {}) {
		this.#config = { ...EVAL_DEFAULTS };
		this.configure(config);
	}

	get config(): Readonly<Required<Omit<EvalConfig, 'url'>>> {
		return this.#config;
	}

	/** Thread ids of the live workers. */
	get threadIds(): number[] {
		return this.#slots.map((s) => s.worker.threadId);
	}

	get queued(): number {
		return this.#waiting.size;
	}

	get busy(): number {
		return this.#slots.filter((s) => s.task).length;
	}

	/** Change defaults and pool size; applies to tasks queued from now on. */
	configure(config: EvalConfig): void {
		const c = this.#config;
		c.timeoutMs = positive(config.timeoutMs, c.timeoutMs);
		c.memoryMb = positive(config.memoryMb, c.memoryMb);
		c.graceMs = typeof config.graceMs === 'number' && config.graceMs >= 0 ? config.graceMs : c.graceMs;
		if (config.workers !== undefined) c.workers = Math.max(1, Math.floor(positive(config.workers, c.workers)));
		if (typeof config.spares === 'number' && Number.isInteger(config.spares) && config.spares >= 0) c.spares = config.spares;
		if (typeof config.nice === 'number' && Number.isInteger(config.nice)) c.nice = Math.min(19, Math.max(0, config.nice));
		if (typeof config.name === 'string' && config.name) c.name = config.name;
		if (config.url) this.#url = config.url;
		// Shrink: drop idle extras now; busy extras go when their task ends (#release).
		for (const slot of [...this.#slots]) {
			if (this.#slots.length <= this.#threads) break;
			if (!slot.task) this.#drop(slot);
		}
		if (this.#slots.length > 0 || this.queued > 0) this.#pump();
	}

	/** Evaluate `source` (null: the default function) on a copy of `pings`. Never rejects. */
	evaluate(source: string | null | undefined, pings: Ping[], opts: PoolEvalOptions = {}): Promise<EvalResult> {
		const timeoutMs = positive(opts.timeoutMs, this.#config.timeoutMs);
		const memoryMb = positive(opts.memoryMb, this.#config.memoryMb);
		const message: EvalMessage = {
			kind: 'eval',
			source: source ?? DEFAULT_EVAL,
			pings,
			timeoutMs,
			memoryBytes: Math.round(memoryMb * 1024 * 1024)
		};
		if (typeof opts.wallMs === 'number' && opts.wallMs > timeoutMs) message.wallMs = opts.wallMs;
		if (typeof message.source !== 'string') {
			return Promise.resolve(down(`eval source must be a string, not ${typeof message.source}`, 0));
		}
		this.accepted++;
		return new Promise<EvalResult>((resolve) => {
			this.#enqueue({
				id: this.#nextId++,
				message,
				timeoutMs,
				urgent: opts.urgent === true,
				startBy: typeof opts.startBy === 'number' && Number.isFinite(opts.startBy) ? opts.startBy : undefined,
				reply: (result, durationMs) => resolve(checkResult(result, durationMs)),
				fail: (error, durationMs, kind) => resolve(down(error, durationMs, kind))
			});
		});
	}

	/** Compile `source` in a worker without running it. Never rejects. */
	checkSyntax(source: string | null | undefined): Promise<SyntaxCheck> {
		if (source == null) return Promise.resolve({ ok: true });
		if (typeof source !== 'string') return Promise.resolve({ ok: false, error: 'eval source must be a string' });
		return new Promise<SyntaxCheck>((resolve) => {
			this.#enqueue({
				id: this.#nextId++,
				message: { kind: 'syntax', source },
				timeoutMs: this.#config.timeoutMs,
				urgent: false,
				reply: (result) => resolve(checkSyntaxReply(result)),
				fail: (error) => resolve({ ok: false, error })
			});
		});
	}

	/** Terminate every worker; queued and running tasks resolve DOWN. The pool restarts on next use. */
	async stop(): Promise<void> {
		for (const t of this.#waiting.takeAll()) t.fail('eval sandbox stopped', 0, 'notRun');
		const slots = this.#slots.splice(0);
		await Promise.all(
			slots.map((slot) => {
				slot.dropped = true;
				const t = slot.task;
				slot.task = undefined;
				if (t) this.#finish(t, (d) => t.fail('eval sandbox stopped', d, 'notRun'));
				return slot.worker.terminate().catch(() => 0);
			})
		);
		this.#startFailures = 0;
		this.#started = false;
	}

	/** Threads the pool keeps: the workers and their spares. */
	get #threads(): number {
		return this.#config.workers + this.#config.spares;
	}

	#enqueue(task: Task): void {
		this.#started = true;
		this.#waiting.add(task, (t) => this.#expire(t));
		if (this.#startFailures >= MAX_START_FAILURES) {
			// The last workers could not start: give it one more try for this task.
			this.#startFailures = MAX_START_FAILURES - 1;
		}
		this.#pump();
	}

	/** Start missing workers, hand queued tasks to idle ready ones, set ref state. */
	#pump(): void {
		while ((this.#started || this.queued > 0) && this.#slots.length < this.#threads && this.#startFailures < MAX_START_FAILURES) {
			if (!this.#spawn()) break;
		}
		for (const slot of this.#slots) {
			if (this.queued === 0 || this.busy >= this.#config.workers) break;
			if (slot.ready && !slot.task && !slot.dropped) this.#dispatch(slot, this.#waiting.next()!);
		}
		const waiting = this.queued > 0;
		for (const slot of this.#slots) {
			if (slot.task || (waiting && !slot.ready)) slot.worker.ref();
			else slot.worker.unref();
		}
	}

	#spawn(): boolean {
		let worker: Worker;
		try {
			this.#url ??= resolveEvalWorkerUrl();
			worker = new Worker(this.#url, {
				name: `porthole-${this.#config.name}`,
				resourceLimits: WORKER_RESOURCE_LIMITS,
				workerData: { wasmModule: sharedWasm, nice: this.#config.nice || undefined }
			});
		} catch (err) {
			this.#startFailed(`cannot start eval worker: ${(err as Error).message}`);
			return false;
		}
		this.starts++;
		const slot: Slot = { worker, ready: false, dropped: false };
		this.#slots.push(slot);
		let failure: Error | undefined;
		worker.on('message', (msg: WorkerReply) => this.#onMessage(slot, msg));
		worker.on('messageerror', (err) => {
			failure = err;
			void worker.terminate();
		});
		worker.on('error', (err) => {
			failure = err; // 'exit' follows
		});
		worker.on('exit', (code) => this.#onExit(slot, code, failure));
		return true;
	}

	/** A task no worker took by its latest start (the queue has let it go): answered without running. */
	#expire(task: Task): void {
		const others = this.queued;
		task.fail(`eval could not start in time for the next check (${this.#config.name} lane, ${others} others waiting)`, 0, 'notRun');
	}

	#dispatch(slot: Slot, task: Task): void {
		clearTimeout(task.expiry);
		slot.task = task;
		task.startedAt = performance.now();
		if (task.message.kind === 'eval' && task.message.wallMs && slot.tid !== undefined) task.cpuAtStart = threadCpuMs(slot.tid);
		this.#watch(slot, task, task.timeoutMs + this.#config.graceMs);
		try {
			slot.worker.postMessage({ id: task.id, ...task.message });
		} catch (err) {
			// e.g. pings that cannot be cloned: the worker never saw the task.
			slot.task = undefined;
			this.#finish(task, (d) => task.fail(`eval input could not be sent to the sandbox: ${(err as Error).message}`, d, 'notRun'));
		}
	}

	/** Clear the task's watchdog and settle it with its wall time (queue time excluded). */
	#finish(task: Task, settle: (durationMs: number) => void): void {
		clearTimeout(task.timer);
		settle(task.startedAt === undefined ? 0 : performance.now() - task.startedAt);
	}

	#onMessage(slot: Slot, msg: WorkerReply): void {
		if (slot.dropped) return;
		if ('type' in msg && msg.type === 'ready') {
			if (msg.wasmModule instanceof WebAssembly.Module) sharedWasm ??= msg.wasmModule;
			if (typeof msg.tid === 'number' && Number.isInteger(msg.tid)) slot.tid = msg.tid;
			slot.ready = true;
			this.#startFailures = 0;
			this.#release(slot);
			return;
		}
		const task = slot.task;
		if (!task || !('id' in msg) || msg.id !== task.id) return;
		slot.task = undefined;
		if (msg.rebuilding === true) slot.ready = false;
		this.#finish(task, (d) => task.reply(msg.result, d));
		this.#release(slot);
	}

	/** A slot became free: retire it if the pool shrank, then hand out work. */
	#release(slot: Slot): void {
		if (this.#slots.length > this.#threads && !slot.task) this.#drop(slot);
		this.#pump();
	}

	#watch(slot: Slot, task: Task, ms: number): void {
		// Timers run before I/O in the event loop: after a main-thread stall the
		// watchdog would fire ahead of a reply that is already waiting. One
		// setImmediate later that reply has been handled and the task is done.
		task.timer = setTimeout(() => setImmediate(() => this.#onOverrun(slot, task)), Math.min(ms, 2 ** 31 - 1));
	}

	#onOverrun(slot: Slot, task: Task): void {
		if (slot.task !== task) return;
		// A CPU budget: a worker that has not used it yet was waiting for a core; watch again, up to the wall cap.
		const grace = this.#config.graceMs;
		const wallMs = task.message.kind === 'eval' ? task.message.wallMs : undefined;
		if (wallMs && task.cpuAtStart != null && slot.tid !== undefined) {
			const used = (threadCpuMs(slot.tid) ?? Infinity) - task.cpuAtStart;
			const left = wallMs + grace - (performance.now() - (task.startedAt ?? 0));
			if (used < task.timeoutMs + grace && left > 0)
				return this.#watch(slot, task, Math.min(left, Math.max(10, task.timeoutMs + grace - used)));
		}
		slot.task = undefined;
		this.terminations++;
		this.#drop(slot);
		this.#finish(task, (d) => task.fail(`eval timed out after ${task.timeoutMs} ms (sandbox terminated)`, d, 'time'));
		this.#pump(); // starts the replacement
	}

	#onExit(slot: Slot, code: number, failure: Error | undefined): void {
		if (slot.dropped) return;
		slot.dropped = true;
		this.#slots = this.#slots.filter((s) => s !== slot);
		const why = failure ? `${failure.name}: ${failure.message}` : `exit code ${code}`;
		const task = slot.task;
		slot.task = undefined;
		if (task) this.#finish(task, (d) => task.fail(`eval sandbox crashed (${why})`, d, 'crash'));
		if (!slot.ready) this.#startFailed(`eval worker exited before it was ready (${why})`);
		this.#pump();
	}

	#startFailed(why: string): void {
		this.#startFailures++;
		this.#lastStartError = why;
		if (this.#startFailures >= MAX_START_FAILURES && this.#slots.every((s) => !s.ready)) {
			for (const t of this.#waiting.takeAll()) t.fail(`eval sandbox cannot start: ${this.#lastStartError}`, 0, 'notRun');
		}
	}

	/** Stop using a worker (it is terminated; its exit is then ignored). */
	#drop(slot: Slot): void {
		slot.dropped = true;
		this.#slots = this.#slots.filter((s) => s !== slot);
		slot.worker.unref();
		void slot.worker.terminate().catch(() => 0);
	}
}
