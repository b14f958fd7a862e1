// Compiling an admin's eval function without running it, for the admin
// editor and config validation (the worker's 'syntax' request). Like run.ts,
// it runs inside the eval worker thread.

import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { DEFAULT_MEMORY_BYTES, markUnusable, memoryGate, moduleIsUsable, userCapBytes } from './module';
import { MAX_STACK_BYTES, USER_FILE, errorText, locate } from './vm-helpers';
import type { SyntaxCheck } from './replies';

/**
 * Compile an eval function without running it. For the admin editor and
 * config validation: catches syntax errors only (not "is it a function").
 */
export function validateEvalSyntax(module: QuickJSWASMModule, source: string): SyntaxCheck {
	if (typeof source !== 'string') return { ok: false, error: 'eval source must be a string' };
	if (!moduleIsUsable(module)) return { ok: false, error: 'eval sandbox is unusable after an earlier crash' };
	const gate = memoryGate(module);
	if (gate) gate.capBytes = userCapBytes(DEFAULT_MEMORY_BYTES);
	let rt: QuickJSRuntime | undefined;
	let ctx: QuickJSContext | undefined;
	let handle: QuickJSHandle | undefined;
	try {
		rt = module.newRuntime();
		rt.setMemoryLimit(DEFAULT_MEMORY_BYTES);
		rt.setMaxStackSize(MAX_STACK_BYTES);
		ctx = rt.newContext();
		const r = ctx.evalCode(source, USER_FILE, { type: 'global', compileOnly: true });
		if (!r.error) {
			handle = r.value;
			return { ok: true };
		}
		handle = r.error;
		// A fresh context has run no admin code: dumping the SyntaxError is safe.
		const e = ctx.dump(r.error);
		const name = typeof e?.name === 'string' ? e.name : 'Error';
		const message = typeof e?.message === 'string' ? e.message.slice(0, 500) : String(e).slice(0, 500);
		if (name === 'InternalError' && message === 'out of memory') {
			return { ok: false, error: 'eval source is too large to compile' };
		}
		const where = locate(typeof e?.stack === 'string' ? e.stack : '');
		return where.line
			? { ok: false, error: `${name}: ${message} (line ${where.line}, column ${where.column})`, line: where.line, column: where.column }
			: { ok: false, error: `${name}: ${message}` };
	} catch (err) {
		markUnusable(module);
		return { ok: false, error: `eval sandbox crashed while compiling: ${errorText(err)}` };
	} finally {
		if (moduleIsUsable(module)) {
			try {
				if (handle?.alive) handle.dispose();
				ctx?.dispose();
				rt?.dispose();
			} catch {
				markUnusable(module);
			}
		}
		if (gate) gate.capBytes = Infinity;
	}
}
