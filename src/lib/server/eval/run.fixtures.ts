// Shared by run.test.ts and run-failures.test.ts: one QuickJS module for the
// file, the spec's templates by id, pings, and run(), which also checks the
// module is still usable after whatever the code did.
import { beforeAll, expect } from 'vitest';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { runEval } from './run';
import { createEvalModule, moduleIsUsable } from './module';
import { EVAL_TEMPLATES } from './templates';
import type { Ping } from '../types';

export let Q: QuickJSWASMModule;
/** Call at the top of a test file: compiles the module once for the file. */
export function loadEvalModule() {
	beforeAll(async () => {
		Q = await createEvalModule();
	});
}

export const T = (id: string) => {
	const t = EVAL_TEMPLATES.find((x) => x.id === id);
	if (!t) throw new Error(`no template ${id}`);
	return t.source;
};

export function ping(status: Ping['status'], latency: number, host = 'h'): Ping {
	return { status, latency, host, port: 5432, type: 'tcp' };
}

/** Fast limits for the hostile cases. */
export const FAST = { timeoutMs: 300 };

export function run(source: string | null, pings: unknown = [ping('open', 10)], limits: Parameters<typeof runEval>[3] = {}) {
	const r = runEval(Q, source, pings, limits);
	// Whatever the code did, the module must stay usable for the next evaluation.
	expect(moduleIsUsable(Q)).toBe(true);
	return r;
}
