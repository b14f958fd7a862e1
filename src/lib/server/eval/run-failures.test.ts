// Everything an eval function can do wrong, and what is recorded for it:
// DOWN, with a message that names the cause. The happy paths are run.test.ts.
import { describe, it, expect } from 'vitest';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { runEval } from './run';
import { validateEvalSyntax } from './syntax';
import { moduleIsUsable, moduleMemoryBytes } from './module';
import { FAST, loadEvalModule, ping, Q, run } from './run.fixtures';
import { measureStall } from '../../../../tests/fixtures/lag';

loadEvalModule();

describe('failures are DOWN with a message that names the cause', () => {
	it('infinite loop: timeout, even inside try/catch', () => {
		const { result: r, stall } = measureStall(() => run('(function () { while (true) {} })', undefined, FAST));
		expect(r).toEqual({ status: 'DOWN', latency: 0, error: 'eval timed out after 300 ms', fault: 'time', durationMs: expect.any(Number) });
		expect(r.durationMs).toBeGreaterThanOrEqual(299);
		// stopped near its limit: the time waiting for a core (a busy machine) is not the loop's
		expect(r.durationMs).toBeLessThan(1000 + stall);
		expect(run('(function () { try { while (true) {} } catch (e) { return { status: "UP", latency: 1 } } })', undefined, FAST).error).toBe(
			'eval timed out after 300 ms'
		);
	});

	it('default limit is 1000 ms, and the limit covers awaited promises', () => {
		const r = run('(async function () { while (true) await null })');
		expect(r.error).toBe('eval timed out after 1000 ms');
		expect(r.durationMs).toBeGreaterThanOrEqual(999);
		expect(run('(async function () { await null; for (;;) {} })', undefined, FAST).error).toBe('eval timed out after 300 ms');
	});

	it('a CPU budget (cpuMs): waiting for a core does not count, the wall cap still holds', () => {
		const LOOP = '(function () { while (true) {} })';
		// A clock that never advances: the code never uses its budget; the wall cap stops it.
		const stalled = run(LOOP, undefined, { timeoutMs: 50, wallMs: 300, cpuMs: () => 0 });
		expect(stalled).toMatchObject({ error: 'eval timed out after 50 ms', fault: 'time' });
		expect(stalled.durationMs).toBeGreaterThanOrEqual(299);
		// A clock that runs with the wall: the budget is spent at 50 ms, long before the cap.
		const { result: spent, stall } = measureStall(() =>
			run(LOOP, undefined, { timeoutMs: 50, wallMs: 5000, cpuMs: () => performance.now() })
		);
		expect(spent.error).toBe('eval timed out after 50 ms');
		expect(spent.durationMs).toBeLessThan(2500 + stall);
		// Healthy code is unaffected.
		expect(run(null, [ping('open', 4)], { timeoutMs: 50, wallMs: 300, cpuMs: () => 0 })).toMatchObject({ status: 'UP', latency: 4 });
	});

	it('a promise that can never settle is reported at once', () => {
		const { result: r, stall } = measureStall(() => run('(function () { return new Promise(() => {}) })'));
		expect(r).toMatchObject({ status: 'DOWN', error: "eval's promise never settled" });
		expect(r.fault).toBeUndefined(); // its own (immediate) answer, not a limit
		expect(r.durationMs).toBeLessThan(200 + stall);
		expect(run('(async function () { await new Promise(() => {}); return { status: "UP", latency: 1 } })').error).toBe(
			"eval's promise never settled"
		);
	});

	it('memory bombs: out of memory, and the module stays within its cap', () => {
		const bombs = [
			'(function () { let a = []; while (true) a.push(new Array(1e6).fill(1)) })',
			'(function () { new Array(1e9).fill(0) })',
			'(function () { let a = []; while (true) a.push("x".repeat(1024 * 1024) + a.length) })',
			'(function () { let s = "x"; for (let i = 0; i < 40; i++) { s = s + s; s.charCodeAt(s.length >> 1) } })',
			'(function () { const a = []; while (true) a.push(new Uint8Array(1 << 20)) })'
		];
		for (const b of bombs) {
			expect(run(b), b).toMatchObject({ error: 'eval ran out of memory (limit 32 MB)', fault: 'memory' });
		}
		expect(moduleMemoryBytes(Q)).toBeLessThanOrEqual(48 * 1024 * 1024);
		expect(run(null, [ping('open', 2)])).toMatchObject({ status: 'UP', latency: 2 });
	});

	it('an out-of-memory the code catches and then hits again is still named', () => {
		// With the heap full QuickJS cannot even allocate the error object: it throws null.
		// The code swallows the first one and keeps allocating while still holding everything: it must hit
		// the limit again, and that second one, whatever QuickJS throws for it, is named out of memory.
		const src =
			"(function () { const a = []; try { while (true) a.push({ x: a.length, y: 'abc' + a.length }) } catch (e) {} for (let i = 0; i < 1e6; i++) a.push({ x: i, y: 'again' + i }); return { status: 'UP', latency: 1 } })";
		const r = run(src, undefined, { timeoutMs: 20_000 });
		expect(r).toMatchObject({ status: 'DOWN', error: 'eval ran out of memory (limit 32 MB)', fault: 'memory' });
	});

	it('the memory limit is configurable', () => {
		const grow =
			'(function () { const a = []; for (let i = 0; i < 24; i++) a.push(new Uint8Array(1 << 20)); return { status: "UP", latency: a.length } })';
		expect(run(grow, undefined, { memoryBytes: 64 * 1024 * 1024 })).toMatchObject({ status: 'UP', latency: 24 });
		expect(run(grow.replace('24', '80'), undefined, { memoryBytes: 64 * 1024 * 1024 }).error).toBe('eval ran out of memory (limit 64 MB)');
	});

	it('huge strings: the engine limit is named', () => {
		expect(run('(function () { let s = "x"; while (true) s = s + s })').error).toMatch(
			/^eval threw: InternalError: string too long \(line 1\)$/
		);
		expect(run('(function () { return "x".repeat(2 ** 30) })').error).toBe('eval threw: RangeError: invalid string length (line 1)');
	});

	it('deep recursion: stack limit, not a host crash', () => {
		expect(run('(function f(n) {\n  return f(n + 1) + 1\n})').error).toBe('eval exceeded the stack limit (recursion too deep) (line 2)');
		expect(run('(function () { return JSON.parse("[".repeat(1e5)) })').error).toMatch(/stack overflow/);
		expect(run('(function () { const a = []; a[0] = a; return { status: String(a), latency: 1 } })').error).toMatch(/stack/);
		expect(run('(function () { const p = new Proxy({}, { get(t, k, r) { return r[k] } }); return p.x })').error).toMatch(/stack/);
	});

	it('huge return values: only status and latency are read', () => {
		const r = run("(function () { return { status: 'UP', latency: 1, junk: 'x'.repeat(2e7) } })");
		expect(r).toMatchObject({ status: 'UP', latency: 1 });
		expect(r.error).toBeUndefined();
		expect(run("(function () { return { status: 'x'.repeat(2e7), latency: 1 } })").error).toBe(
			'eval returned status a string of 20000000 characters; expected one of UP, DEGRADED, DOWN, MAINTENANCE'
		);
	});

	it('thrown errors: message and line', () => {
		const src = ';(async function (arrayOfPings) {\n    let x\n    return { status: x.status, latency: 1 }\n})';
		expect(run(src).error).toBe("eval threw: TypeError: cannot read property 'status' of undefined (line 3)");
		expect(run('(function () {\n\n  throw new RangeError("too far")\n})').error).toBe('eval threw: RangeError: too far (line 3)');
		expect(run('(async function () {\n  await null\n  throw new Error("boom")\n})').error).toBe('eval threw: Error: boom (line 3)');
		expect(run('(function () { return Promise.reject(new TypeError("nope")) })').error).toBe('eval threw: TypeError: nope (line 1)');
		expect(run('(function () { throw "plain string" })').error).toBe('eval threw: plain string');
		expect(run('(function () { throw null })').error).toBe('eval threw: null');
		expect(run('(function () { throw { code: 1 } })').error).toBe('eval threw: [object Object]');
		expect(run('throw new Error("at the top")').error).toBe('eval threw: Error: at the top (line 1)');
		// A thrown value whose conversion loops still ends on time.
		expect(run('(function () { throw { toString() { while (true) {} } } })', undefined, FAST).error).toBe('eval timed out after 300 ms');
	});

	it('syntax errors: message, line and column', () => {
		const src = ';(async function (arrayOfPings) {\n    return {\n        status: "UP",\n        latency: 1\n    }}\n})';
		expect(run(src).error).toBe("SyntaxError: expecting ')' (line 6, column 1)");
		const src2 = ';(async function (arrayOfPings) {\n    let x =\n    return { status: "UP", latency: 1 }\n})';
		expect(run(src2).error).toBe("SyntaxError: unexpected token in expression: 'return' (line 3, column 5)");
		// A SyntaxError thrown at run time is a thrown error, not a compile error.
		expect(run('(function () {\n  JSON.parse("{")\n})').error).toMatch(/^eval threw: SyntaxError: .* \(line 2\)$/);
	});

	it('code that does not evaluate to a function', () => {
		const msg = (got: string) =>
			`eval code must evaluate to a function, like ;(async function (arrayOfPings) { ... }), but it evaluated to ${got}`;
		expect(run('42').error).toBe(msg('42'));
		expect(run('').error).toBe(msg('undefined'));
		expect(run('({ status: "UP", latency: 1 })').error).toBe(msg('an object'));
		expect(run('"x".repeat(1e6)').error).toBe(msg('a string of 1000000 characters'));
		expect(run('let f = function () {}').error).toBe(msg('undefined'));
	});

	it('wrong shapes', () => {
		const shape = (body: string) => run(`(function () { ${body} })`).error;
		expect(shape('return null')).toBe('eval returned null; expected an object like { status: "UP", latency: 12.3 }');
		expect(shape('')).toBe('eval returned undefined; expected an object like { status: "UP", latency: 12.3 }');
		expect(shape('return "UP"')).toBe('eval returned "UP"; expected an object like { status: "UP", latency: 12.3 }');
		expect(shape('return { status: "up", latency: 1 }')).toBe('eval returned status "up"; expected one of UP, DEGRADED, DOWN, MAINTENANCE');
		expect(shape('return { latency: 1 }')).toBe('eval returned status undefined; expected one of UP, DEGRADED, DOWN, MAINTENANCE');
		expect(shape('return { status: ["UP"], latency: 1 }')).toBe(
			'eval returned status an array; expected one of UP, DEGRADED, DOWN, MAINTENANCE'
		);
		expect(shape('return { status: "UP", latency: NaN }')).toBe('eval returned latency NaN; expected a finite number');
		expect(shape('return { status: "UP", latency: Infinity }')).toBe('eval returned latency Infinity; expected a finite number');
		expect(shape('return { status: "UP", latency: "12" }')).toBe('eval returned latency "12"; expected a finite number');
		expect(shape('return { status: "UP" }')).toBe('eval returned latency undefined; expected a finite number');
		expect(shape('return { status: "UP", latency: 1n }')).toBe('eval returned latency 1n; expected a finite number');
	});

	it('finite but absurd latencies: negative or over an hour, DOWN and named (they overflowed the rollups)', () => {
		const lat = (v: string) => run(`(function () { return { status: "UP", latency: ${v} } })`);
		expect(lat('1.5e308')).toEqual({
			status: 'DOWN',
			latency: 0,
			error: 'eval returned latency 1.5e+308 ms: must be 0-3600000',
			durationMs: expect.any(Number)
		});
		expect(lat('-1').error).toBe('eval returned latency -1 ms: must be 0-3600000');
		expect(lat('3600001').error).toBe('eval returned latency 3600001 ms: must be 0-3600000');
		expect(lat('-Number.MIN_VALUE').error).toBe('eval returned latency -5e-324 ms: must be 0-3600000');
		// The bounds themselves are fine.
		expect(lat('3600000')).toMatchObject({ status: 'UP', latency: 3_600_000 });
		expect(lat('0')).toMatchObject({ status: 'UP', latency: 0 });
	});

	it('hostile result objects: throwing or looping getters, proxies', () => {
		expect(run('(function () { return { get status() { throw new Error("getter") }, latency: 1 } })').error).toBe(
			"eval's result could not be read: Error: getter (line 1)"
		);
		expect(run('(function () { return { get status() { for (;;) {} }, latency: 1 } })', undefined, FAST).error).toBe(
			'eval timed out after 300 ms'
		);
		expect(run('(function () { return new Proxy({}, { get() { while (true) {} } }) })', undefined, FAST).error).toBe(
			'eval timed out after 300 ms'
		);
		expect(run('(function () { return new Proxy({}, { get(t, k) { return k === "status" ? "UP" : 5 } }) })')).toMatchObject({
			status: 'UP',
			latency: 5
		});
	});

	it('a host-side crash marks the module unusable instead of throwing', () => {
		const fake = {
			newRuntime() {
				throw new RangeError('Maximum call stack size exceeded');
			}
		} as unknown as QuickJSWASMModule;
		expect(runEval(fake, null, [])).toMatchObject({
			error: 'eval crashed the sandbox: RangeError: Maximum call stack size exceeded',
			fault: 'crash'
		});
		expect(moduleIsUsable(fake)).toBe(false);
		expect(runEval(fake, null, []).error).toBe('eval sandbox is unusable after an earlier crash');
		expect(validateEvalSyntax(fake, '1')).toMatchObject({ ok: false });
	});

	it('bad input to runEval itself', () => {
		expect(runEval(Q, 42 as unknown as string, []).error).toBe('eval source must be a string, not number');
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		expect(runEval(Q, null, [cyclic]).error).toMatch(/^eval input could not be serialised/);
	});
});
