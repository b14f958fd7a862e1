// Eval worker thread entry.
//
// Started by pool.ts through the package export "porthole/eval-worker", which
// points at this file compiled and bundled by scripts/build-workers.js
// (build/workers/eval-worker.js). Bundled, it runs as bare Node: it may import
// Node built-ins, node_modules (left outside the bundle), sibling modules and
// types, never `$lib` aliases.
//
// It loads the QuickJS WASM module once, then answers one request at a time
// (the pool never sends a second before the first is answered, nor while a
// crashed module is rebuilt; requests are still chained, in order, should
// that ever happen):
//   out: {type: 'ready', tid, wasmModule?}                module loaded, send work (and the
//                                                         compiled code, for the next threads)
//   in:  {id, source, pings, timeoutMs, memoryBytes, wallMs?}  evaluate (fresh runtime; with wallMs,
//                                                         timeoutMs is this thread's CPU time)
//   out: {id, result: {status, latency, error?, fault?, durationMs}, rebuilding}
//   out: {type: 'ready'}                                  after `rebuilding: true`: a new module is ready
//   in:  {id, kind: 'syntax', source}                     compile only
//   out: {id, result: {ok: true} | {ok: false, error, line?, column?}}
// The time limit is enforced here, by runEval's interrupt handler (see
// deadline.ts). Anything that escapes the sandbox's own limits (a builtin that
// ignores the interrupt handler, say) is the pool's watchdog's job: it
// terminates this thread and starts another.

import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { DEFAULT_MEMORY_BYTES, compileEvalWasm, createEvalModule, moduleFitsLimit, moduleIsUsable } from './module';
import { runEval } from './run';
import { validateEvalSyntax } from './syntax';
import { currentThreadId, threadCpuMs } from './cpu';

if (!parentPort) {
	throw new Error('the eval worker must be started as a worker thread');
}
const port = parentPort;

interface EvalRequest {
	id: number;
	kind?: 'eval';
	source: string;
	pings: unknown;
	timeoutMs?: number;
	memoryBytes?: number;
	wallMs?: number;
}
interface SyntaxRequest {
	id: number;
	kind: 'syntax';
	source: string;
}

let module: QuickJSWASMModule | undefined;

/**
 * A lower CPU priority for this thread when the pool asks (the probation and
 * quarantine lanes: untried or suspect code must not take CPU from known-good
 * code and the rest of the process), once it is ready: its
 * start-up runs at full priority, so a replacement is not slow to come on a
 * busy machine. Linux only: there a thread's id (from /proc/thread-self)
 * works where a process id is expected; elsewhere the request is ignored.
 */
function lowerPriority(): void {
	if (typeof workerData?.nice !== 'number' || tid === undefined) return;
	try {
		setPriority(tid, workerData.nice);
	} catch {
		/* not allowed: run at the process's priority */
	}
}

/** This thread's OS id (Linux): for its priority, and sent with 'ready' so the pool can read its CPU time. */
const tid = currentThreadId();
/** Whether this thread's CPU time can be read (CPU budgets, see deadline.ts). */
const hasCpuClock = threadCpuMs() !== null;

/**
 * The compiled QuickJS code: from the pool (workerData.wasmModule, shared by
 * every eval thread of the process, so a replacement thread starts without
 * compiling), or compiled here and sent to the pool with 'ready'.
 */
let wasm: WebAssembly.Module | undefined = workerData?.wasmModule instanceof WebAssembly.Module ? workerData.wasmModule : undefined;
const shareWasm = !wasm;
if (!wasm) {
	try {
		wasm = await compileEvalWasm();
	} catch {
		// createEvalModule() then loads the file its own way.
	}
}

/** Pings for the warm-up evaluation. */
const WARM_UP_PINGS = [{ status: 'open', latency: 1, host: '127.0.0.1', port: 1, type: 'tcp' }];

/**
 * The module, rebuilt if an evaluation crashed it or grew its memory beyond
 * what this limit allows. A new module runs one evaluation of the default
 * function first: V8 compiles WASM functions lazily, on first call, which
 * makes a fresh module's first evaluation 50-150 ms slower. That must not
 * count against the first real task's time limit (the main lane's is short,
 * see lanes.ts).
 */
async function getModule(memoryBytes?: number): Promise<QuickJSWASMModule> {
	if (!module || !moduleIsUsable(module) || !moduleFitsLimit(module, memoryBytes)) {
		module = undefined;
		const fresh = await createEvalModule(wasm);
		runEval(fresh, null, WARM_UP_PINGS, { timeoutMs: 10_000 });
		module = fresh;
	}
	return module;
}

function describe(err: unknown): string {
	return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function handle(msg: EvalRequest | SyntaxRequest): Promise<void> {
	const id = msg?.id;
	if (msg?.kind === 'syntax') {
		try {
			const m = await getModule(DEFAULT_MEMORY_BYTES);
			port.postMessage({ id, result: validateEvalSyntax(m, msg.source) });
		} catch (err) {
			port.postMessage({ id, result: { ok: false, error: `eval worker failed: ${describe(err)}` } });
		}
		return;
	}
	const started = performance.now();
	try {
		const m = await getModule(msg.memoryBytes);
		const cpu0 = hasCpuClock ? threadCpuMs() : null;
		const result = runEval(m, msg.source, msg.pings, {
			timeoutMs: msg.timeoutMs,
			memoryBytes: msg.memoryBytes,
			...(msg.wallMs && hasCpuClock ? { cpuMs: () => threadCpuMs(), wallMs: msg.wallMs } : {})
		});
		const cpu1 = cpu0 === null ? null : threadCpuMs();
		const cpuMs = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : undefined;
		port.postMessage({ id, result: cpuMs === undefined ? result : { ...result, cpuMs }, rebuilding: !moduleIsUsable(m) });
	} catch (err) {
		const error = `eval worker failed: ${describe(err)}`;
		port.postMessage({ id, result: { status: 'DOWN', latency: 0, error, durationMs: performance.now() - started } });
	}
	// Replace a module the evaluation crashed now, not on the next request's
	// clock: the pool sends nothing more until this 'ready'.
	if (module && !moduleIsUsable(module)) {
		try {
			await getModule(msg.memoryBytes);
			port.postMessage({ type: 'ready' });
		} catch (err) {
			// As at start: fatal, the pool replaces this thread.
			setImmediate(() => {
				throw err;
			});
		}
	}
}

const ready = getModule(DEFAULT_MEMORY_BYTES).then(() => {
	lowerPriority();
	port.postMessage(shareWasm && wasm ? { type: 'ready', tid, wasmModule: wasm } : { type: 'ready', tid });
});
// A failure to load the module is fatal: let it surface as the worker's 'error'.
ready.catch((err) => {
	setImmediate(() => {
		throw err;
	});
});

let chain: Promise<void> = ready;
port.on('message', (msg: EvalRequest | SyntaxRequest) => {
	chain = chain
		.then(() => handle(msg))
		.catch((err) => {
			// Only if posting the answer itself failed; the pool's watchdog covers the rest.
			try {
				port.postMessage({
					id: msg?.id,
					result: { status: 'DOWN', latency: 0, error: `eval worker failed: ${describe(err)}`, durationMs: 0 }
				});
			} catch {
				/* nothing more to do */
			}
		});
});
