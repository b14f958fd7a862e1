// The QuickJS WASM module behind runEval (run.ts), with its memory cap. It
// runs inside the eval worker thread; the QuickJS packages stay outside the
// worker bundle, loaded from node_modules.
//
// Why a cap of our own: `runtime.setMemoryLimit` alone is NOT a limit in this
// build. The emscripten build has no malloc_usable_size, so QuickJS adds a
// constant 8 bytes per allocation to its total while checking only each
// request's own size: many sub-limit allocations grow the WASM heap without
// bound (up to 2 GiB; quickjs-emscripten issues #255, #271). So
// createEvalModule() gives the module a WebAssembly.Memory whose grow() we
// gate: while admin code runs, the whole linear memory may not exceed the
// limit plus a small fixed overhead (userCapBytes); failed growth makes malloc
// return NULL, which QuickJS reports as InternalError "out of memory". While
// the host reads results it may use HOST_RESERVE_BYTES more. run.ts sets the
// cap around each phase of an evaluation (memoryGate).
//
// A module whose evaluation crashed on the host side is marked unusable
// (markUnusable): the caller must build a new one (the worker does).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';

export const DEFAULT_MEMORY_BYTES = 32 * 1024 * 1024;
const WASM_PAGE = 64 * 1024;
/** The prebuilt module imports a memory of at least 256 pages (16 MiB). */
const INITIAL_PAGES = 256;
/** Static data, the C stack, and a fresh runtime + context: added to the admin's limit. */
const ENGINE_OVERHEAD_BYTES = 4 * 1024 * 1024;
/** Extra room for the host to read results and errors after the admin's code hit the limit. */
export const HOST_RESERVE_BYTES = 8 * 1024 * 1024;

export interface MemoryGate {
	/** linear memory may not grow beyond this */
	capBytes: number;
	/** growth requests refused so far */
	refused: number;
	memory: WebAssembly.Memory;
}

const gates = new WeakMap<QuickJSWASMModule, MemoryGate>();
const unusable = new WeakSet<QuickJSWASMModule>();

/**
 * The QuickJS WebAssembly code, compiled. A WebAssembly.Module can be sent to
 * other threads (postMessage, workerData) and shares its compiled code with
 * them, functions V8 compiled lazily since included: a thread given one starts
 * without compiling anything (see eval/worker.ts).
 */
export async function compileEvalWasm(): Promise<WebAssembly.Module> {
	const file = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
	return WebAssembly.compile(await readFile(file));
}

/**
 * A QuickJS WASM module (release-sync variant) for runEval, with a memory gate.
 * About 15 ms; make one per thread and reuse it (each evaluation gets its own
 * runtime), unless moduleIsUsable() says it died. `wasmModule`: compiled code
 * to use (compileEvalWasm); default: load and compile the file.
 */
export async function createEvalModule(wasmModule?: WebAssembly.Module): Promise<QuickJSWASMModule> {
	const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: 32768 });
	const gate: MemoryGate = { capBytes: Infinity, refused: 0, memory };
	const grow = memory.grow;
	// Emscripten's heap resize calls wasmMemory.grow() from JS; refusing it
	// (by throwing, which it catches) makes sbrk and then malloc fail.
	Object.defineProperty(memory, 'grow', {
		value: (delta: number) => {
			if (memory.buffer.byteLength + delta * WASM_PAGE > gate.capBytes) {
				gate.refused++;
				throw new RangeError('eval memory cap reached');
			}
			return grow.call(memory, delta);
		}
	});
	const module = await newQuickJSWASMModuleFromVariant(
		newVariant(releaseSyncVariant, wasmModule ? { wasmMemory: memory, wasmModule } : { wasmMemory: memory })
	);
	gates.set(module, gate);
	return module;
}

/** The module's memory gate; undefined for a module not made by createEvalModule. */
export function memoryGate(module: QuickJSWASMModule): MemoryGate | undefined {
	return gates.get(module);
}

/** False once an evaluation crashed the module on the host side. */
export function moduleIsUsable(module: QuickJSWASMModule): boolean {
	return !unusable.has(module);
}

/** The module's state can no longer be trusted: moduleIsUsable() is false from now on. */
export function markUnusable(module: QuickJSWASMModule): void {
	unusable.add(module);
}

/**
 * Whether the module's linear memory (which never shrinks) is within what an
 * evaluation limited to `memoryBytes` may use; if not, an earlier evaluation
 * with a larger limit grew it, and a new module gives this limit its meaning.
 */
export function moduleFitsLimit(module: QuickJSWASMModule, memoryBytes: number | undefined = DEFAULT_MEMORY_BYTES): boolean {
	const limit = typeof memoryBytes === 'number' && Number.isFinite(memoryBytes) && memoryBytes > 0 ? memoryBytes : DEFAULT_MEMORY_BYTES;
	return moduleMemoryBytes(module) <= userCapBytes(limit) + HOST_RESERVE_BYTES;
}

/** The cap on linear memory while admin code limited to `memoryBytes` runs. */
export function userCapBytes(memoryBytes: number): number {
	return Math.max(INITIAL_PAGES * WASM_PAGE, memoryBytes + ENGINE_OVERHEAD_BYTES);
}

/** Bytes of WASM linear memory the module holds (it never shrinks). */
export function moduleMemoryBytes(module: QuickJSWASMModule): number {
	return module.getWasmMemory().buffer.byteLength;
}
