import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { EVAL_STATUSES, runEval } from './run.js';
import { validateEvalSyntax } from './syntax.js';
import { createEvalModule, moduleIsUsable, moduleMemoryBytes } from './module.js';
import { DEFAULT_EVAL } from './default.js';
import { EVAL_TEMPLATES } from './templates.js';
import { MONITOR_STATUSES, type Ping } from '../types';

let Q: QuickJSWASMModule;
beforeAll(async () => {
	Q = await createEvalModule();
});

const T = (id: string) => {
	const t = EVAL_TEMPLATES.find((x) => x.id === id);
	if (!t) throw new Error(`no template ${id}`);
	return t.source;
};

function ping(status: Ping['status'], latency: number, host = 'h'): Ping {
	return { status, latency, host, port: 5432, type: 'tcp' };
}

/** Fast limits for the hostile cases. */
const FAST = { timeoutMs: 300 };

function run(source: string | null, pings: unknown = [ping('open', 10)], limits: Parameters<typeof runEval>[3] = {}) {
	const r = runEval(Q, source, pings, limits);
	// Whatever the code did, the module must stay usable for the next evaluation.
	expect(moduleIsUsable(Q)).toBe(true);
	return r;
}

describe('constants', () => {
	it('EVAL_STATUSES matches MONITOR_STATUSES', () => {
		expect([...EVAL_STATUSES]).toEqual([...MONITOR_STATUSES]);
	});

	it('offers the six spec examples as templates with distinct ids', () => {
		expect(EVAL_TEMPLATES.map((t) => t.id)).toEqual([
			'quorum',
			'latency-threshold',
			'failover',
			'weighted',
			'timeout-specific',
			'percentile'
		]);
		for (const t of EVAL_TEMPLATES) {
			expect(t.name).toBeTruthy();
			expect(t.description).toBeTruthy();
			expect(t.source.startsWith(';(async function (arrayOfPings) {')).toBe(true);
			expect(validateEvalSyntax(Q, t.source)).toEqual({ ok: true });
		}
	});

	// The spec lives beside DESIGN.md, outside this repository: checked when present.
	const SPEC = process.env.PORTHOLE_SPEC ?? '/work/shared/spec/tcp-monitor.md';
	it.skipIf(!existsSync(SPEC))('sources are verbatim copies of the spec', () => {
		const spec = readFileSync(SPEC, 'utf8');
		const blocks = [...spec.matchAll(/```javascript\n([\s\S]*?)\n```/g)].map((m) => m[1]);
		expect(blocks).toContain(DEFAULT_EVAL);
		for (const t of EVAL_TEMPLATES) expect(blocks).toContain(t.source);
		// Signature block, default, and examples 7-12.
		expect(blocks.filter((b) => b.startsWith(';(async function (arrayOfPings) {')).length).toBe(8);
	});
});

describe('default function', () => {
	it('is UP with the average latency when every host is open', () => {
		const r = run(null, [ping('open', 10), ping('open', 20), ping('open', 45)]);
		expect(r).toMatchObject({ status: 'UP', latency: 25 });
		expect(r.error).toBeUndefined();
		expect(r.durationMs).toBeGreaterThan(0);
	});

	it('is DOWN (latency still the average of all) when any host is not open', () => {
		expect(run(null, [ping('open', 10), ping('timeout', 1000)])).toMatchObject({ status: 'DOWN', latency: 505 });
		expect(run(null, [ping('error', 0), ping('open', 30), ping('open', 30)])).toMatchObject({
			status: 'DOWN',
			latency: 20
		});
		expect(run(null, [ping('open', 1)]).status).toBe('UP');
	});

	it('null source and DEFAULT_EVAL agree with the spec formula on random inputs', () => {
		let seed = 7;
		const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		for (let i = 0; i < 30; i++) {
			const n = 1 + Math.floor(rand() * 6);
			const pings = Array.from({ length: n }, (_, k) =>
				ping(rand() < 0.8 ? 'open' : rand() < 0.5 ? 'timeout' : 'error', rand() * 300, `h${k}`)
			);
			const latency = pings.reduce((a, p) => a + p.latency, 0) / n;
			const status = pings.every((p) => p.status === 'open') ? 'UP' : 'DOWN';
			for (const source of [null, DEFAULT_EVAL]) {
				const r = run(source, pings);
				expect(r.status).toBe(status);
				expect(r.latency).toBe(latency);
			}
		}
	});

	it('with no hosts it yields latency NaN, reported as a wrong shape', () => {
		// The spec's formula divides by arrayOfPings.length: 0/0.
		expect(run(null, [])).toMatchObject({
			status: 'DOWN',
			error: 'eval returned latency NaN; expected a finite number'
		});
	});
});

describe('spec examples', () => {
	it('quorum: all open UP, 2/3 DEGRADED, 1/3 DOWN; latency over open hosts', () => {
		const q = T('quorum');
		expect(run(q, [ping('open', 10), ping('open', 20), ping('open', 30)])).toMatchObject({ status: 'UP', latency: 20 });
		expect(run(q, [ping('open', 10), ping('error', 0), ping('open', 30)])).toMatchObject({
			status: 'DEGRADED',
			latency: 20
		});
		expect(run(q, [ping('timeout', 0), ping('error', 0), ping('open', 30)])).toMatchObject({
			status: 'DOWN',
			latency: 30
		});
		expect(run(q, [ping('error', 0), ping('error', 0)])).toMatchObject({ status: 'DOWN', latency: 0 });
		// 2 of 4 is not a majority (3 is).
		expect(run(q, [ping('open', 1), ping('open', 3), ping('error', 0), ping('error', 0)]).status).toBe('DOWN');
	});

	it('latency threshold: over 100 ms DEGRADED, any not open DOWN', () => {
		const l = T('latency-threshold');
		expect(run(l, [ping('open', 50), ping('open', 90)])).toMatchObject({ status: 'UP', latency: 70 });
		expect(run(l, [ping('open', 50), ping('open', 150)])).toMatchObject({ status: 'DEGRADED', latency: 100 });
		expect(run(l, [ping('open', 100)]).status).toBe('UP'); // strictly greater than 100
		expect(run(l, [ping('open', 50), ping('timeout', 0)])).toMatchObject({ status: 'DOWN', latency: 25 });
	});

	it('failover: primary open UP; primary down + secondary open DEGRADED with its latency; else DOWN', () => {
		const f = T('failover');
		expect(run(f, [ping('open', 12), ping('open', 40)])).toMatchObject({ status: 'UP', latency: 12 });
		expect(run(f, [ping('error', 0), ping('timeout', 0), ping('open', 33), ping('open', 44)])).toMatchObject({
			status: 'DEGRADED',
			latency: 33
		});
		expect(run(f, [ping('error', 0), ping('timeout', 0)])).toMatchObject({ status: 'DOWN', latency: 0 });
	});

	it('weighted [10,5,3]: cache down is (10+3)/18 >= 0.5 DEGRADED; database down DOWN', () => {
		const w = T('weighted');
		expect(run(w, [ping('open', 10), ping('open', 20), ping('open', 30)])).toMatchObject({ status: 'UP', latency: 20 });
		expect(run(w, [ping('open', 10), ping('error', 0), ping('open', 30)])).toMatchObject({
			status: 'DEGRADED',
			latency: 20
		});
		// Database (10) down: 8/18 < 0.5.
		expect(run(w, [ping('error', 0), ping('open', 20), ping('open', 30)])).toMatchObject({ status: 'DOWN', latency: 25 });
		// Hosts beyond the weights list weigh 1.
		expect(run(w, [ping('open', 10), ping('error', 0), ping('error', 0), ping('open', 2)])).toMatchObject({
			status: 'DEGRADED',
			latency: 6
		});
	});

	it('timeout-specific: timeouts only DEGRADED, mixed DEGRADED, none open DOWN', () => {
		const t = T('timeout-specific');
		expect(run(t, [ping('open', 10), ping('open', 30)])).toMatchObject({ status: 'UP', latency: 20 });
		expect(run(t, [ping('open', 10), ping('timeout', 0)])).toMatchObject({ status: 'DEGRADED', latency: 10 });
		expect(run(t, [ping('timeout', 0), ping('timeout', 0)])).toMatchObject({ status: 'DEGRADED', latency: 0 });
		expect(run(t, [ping('open', 8), ping('error', 0)])).toMatchObject({ status: 'DEGRADED', latency: 8 });
		expect(run(t, [ping('error', 0), ping('timeout', 0)])).toMatchObject({ status: 'DOWN', latency: 0 });
	});

	it('percentile: p95 > 150 DEGRADED, p99 > 300 DOWN, not all open DEGRADED, none open DOWN', () => {
		const p = T('percentile');
		const fast = Array.from({ length: 20 }, (_, i) => ping('open', 10 + i));
		expect(run(p, fast)).toMatchObject({ status: 'UP', latency: 19.5 });
		// Sorted index floor(20*0.95) = 19: the slowest decides p95 (and p99).
		const slow = [...fast.slice(1), ping('open', 200)];
		expect(run(p, slow)).toMatchObject({ status: 'DEGRADED' });
		const verySlow = [...fast.slice(1), ping('open', 301)];
		expect(run(p, verySlow)).toMatchObject({ status: 'DOWN' });
		expect(run(p, [ping('open', 10), ping('error', 0)])).toMatchObject({ status: 'DEGRADED', latency: 10 });
		expect(run(p, [ping('error', 0), ping('timeout', 0)])).toMatchObject({ status: 'DOWN', latency: 0 });
		// Unsorted input: the sort is numeric.
		expect(run(p, [ping('open', 100), ping('open', 9), ping('open', 20)])).toMatchObject({
			status: 'UP',
			latency: 43
		});
	});
});

describe('function forms', () => {
	const pings = [ping('open', 3)];
	it('sync', () => {
		expect(run('(function (p) { return { status: "DEGRADED", latency: p[0].latency * 2 } })', pings)).toMatchObject({
			status: 'DEGRADED',
			latency: 6
		});
	});
	it('async', () => {
		expect(run(';(async function (p) { await null; return { status: "MAINTENANCE", latency: 1.5 } })', pings)).toMatchObject({
			status: 'MAINTENANCE',
			latency: 1.5
		});
	});
	it('Promise-returning', () => {
		expect(run("(function(p){return Promise.resolve({status:'UP',latency:1})})", pings)).toMatchObject({
			status: 'UP',
			latency: 1
		});
		expect(
			run('(function(p){ return new Promise((res) => Promise.resolve().then(() => res({ status: "DOWN", latency: 4 }))) })', pings)
		).toMatchObject({ status: 'DOWN', latency: 4 });
	});
	it('thenable-returning, arrow functions, and a function after other statements', () => {
		expect(run('(p) => ({ then(r) { r({ status: "UP", latency: 2 }) } })', pings)).toMatchObject({ status: 'UP', latency: 2 });
		expect(run('const k = 7; (p) => ({ status: "UP", latency: k })', pings)).toMatchObject({ status: 'UP', latency: 7 });
	});
	it('a DOWN the function itself returns carries no error', () => {
		const r = run('(p) => ({ status: "DOWN", latency: 0 })', pings);
		expect(r).toMatchObject({ status: 'DOWN', latency: 0 });
		expect(r.error).toBeUndefined();
	});
});

describe('isolation', () => {
	it('sees no process, require, fetch, timers or console; import() fails', () => {
		const src = `(async function () {
			const types = [typeof process, typeof require, typeof fetch, typeof setTimeout, typeof setInterval,
				typeof console, typeof module, typeof Buffer, typeof std, typeof os].join(',');
			let imported = 'no error';
			try { await import('x'); } catch (e) { imported = String(e); }
			return { status: types === Array(10).fill('undefined').join(',') && imported !== 'no error' ? 'UP' : 'DOWN', latency: imported.length };
		})`;
		expect(run(src).status).toBe('UP');
		// And a static import is a syntax error in a script.
		expect(run('import fs from "node:fs"\n;(p) => ({ status: "UP", latency: 1 })').error).toMatch(/^SyntaxError: .*\(line 1, column \d+\)$/);
	});

	it('leaks no state between runs', () => {
		const src = '(function (p) { globalThis.counter = (globalThis.counter || 0) + 1; return { status: "UP", latency: counter } })';
		for (let i = 0; i < 5; i++) expect(run(src)).toMatchObject({ status: 'UP', latency: 1 });
		// Nor do replaced builtins.
		run('(function () { Array.prototype.reduce = null; JSON.parse = null; return { status: "UP", latency: 1 } })');
		expect(run(null, [ping('open', 4)])).toMatchObject({ status: 'UP', latency: 4 });
	});

	it('gets a copy of the pings: mutating it changes nothing outside', () => {
		const pings = [ping('open', 10), ping('error', 0)];
		const before = structuredClone(pings);
		const src = '(function (p) { p[0].latency = 999; p[1].status = "open"; p.push({ status: "open", latency: 1 }); p.length = 0; return { status: "UP", latency: 1 } })';
		expect(run(src, pings).status).toBe('UP');
		expect(pings).toEqual(before);
		expect(run(null, pings)).toMatchObject({ status: 'DOWN', latency: 5 });
	});

	it('survives the code replacing the builtins the sandbox itself uses', () => {
		const src = `(function () {
			Object.defineProperty(Array.prototype, 0, { set() { while (true) {} }, get() { return 'DOWN' } });
			Object.defineProperty(Array.prototype, 1, { get() { return NaN } });
			Promise.resolve = function () { while (true) {} };
			Reflect.apply = null; JSON.parse = null; JSON.stringify = null; String = null;
			return { status: 'UP', latency: 1 };
		})`;
		expect(run(src)).toMatchObject({ status: 'UP', latency: 1 });
		expect(run(src.replace("status: 'UP'", "status: 'bad'"))).toMatchObject({
			status: 'DOWN',
			error: 'eval returned status "bad"; expected one of UP, DEGRADED, DOWN, MAINTENANCE'
		});
	});
});

describe('failures are DOWN with a message that names the cause', () => {
	it('infinite loop: timeout, even inside try/catch', () => {
		const r = run('(function () { while (true) {} })', undefined, FAST);
		expect(r).toEqual({ status: 'DOWN', latency: 0, error: 'eval timed out after 300 ms', fault: 'time', durationMs: expect.any(Number) });
		expect(r.durationMs).toBeGreaterThanOrEqual(299);
		expect(r.durationMs).toBeLessThan(1000);
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
		const spent = run(LOOP, undefined, { timeoutMs: 50, wallMs: 5000, cpuMs: () => performance.now() });
		expect(spent.error).toBe('eval timed out after 50 ms');
		expect(spent.durationMs).toBeLessThan(2500);
		// Healthy code is unaffected.
		expect(run(null, [ping('open', 4)], { timeoutMs: 50, wallMs: 300, cpuMs: () => 0 })).toMatchObject({ status: 'UP', latency: 4 });
	});

	it("a promise that can never settle is reported at once", () => {
		const r = run('(function () { return new Promise(() => {}) })');
		expect(r).toMatchObject({ status: 'DOWN', error: "eval's promise never settled" });
		expect(r.fault).toBeUndefined(); // its own (immediate) answer, not a limit
		expect(r.durationMs).toBeLessThan(200);
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
		const src = "(function () { const a = []; try { while (true) a.push({ x: a.length, y: 'abc' + a.length }) } catch (e) {} return { status: 'UP', latency: a.length } })";
		const r = run(src, undefined, { timeoutMs: 5000 });
		if (r.status === 'UP') expect(r.latency).toBeGreaterThan(100_000);
		else expect(r.error).toBe('eval ran out of memory (limit 32 MB)');
	});

	it('the memory limit is configurable', () => {
		const grow = '(function () { const a = []; for (let i = 0; i < 24; i++) a.push(new Uint8Array(1 << 20)); return { status: "UP", latency: a.length } })';
		expect(run(grow, undefined, { memoryBytes: 64 * 1024 * 1024 })).toMatchObject({ status: 'UP', latency: 24 });
		expect(run(grow.replace('24', '80'), undefined, { memoryBytes: 64 * 1024 * 1024 }).error).toBe(
			'eval ran out of memory (limit 64 MB)'
		);
	});

	it('huge strings: the engine limit is named', () => {
		expect(run('(function () { let s = "x"; while (true) s = s + s })').error).toMatch(/^eval threw: InternalError: string too long \(line 1\)$/);
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
		expect(shape('return { status: "up", latency: 1 }')).toBe(
			'eval returned status "up"; expected one of UP, DEGRADED, DOWN, MAINTENANCE'
		);
		expect(shape('return { latency: 1 }')).toBe('eval returned status undefined; expected one of UP, DEGRADED, DOWN, MAINTENANCE');
		expect(shape('return { status: ["UP"], latency: 1 }')).toBe('eval returned status an array; expected one of UP, DEGRADED, DOWN, MAINTENANCE');
		expect(shape('return { status: "UP", latency: NaN }')).toBe('eval returned latency NaN; expected a finite number');
		expect(shape('return { status: "UP", latency: Infinity }')).toBe('eval returned latency Infinity; expected a finite number');
		expect(shape('return { status: "UP", latency: "12" }')).toBe('eval returned latency "12"; expected a finite number');
		expect(shape('return { status: "UP" }')).toBe('eval returned latency undefined; expected a finite number');
		expect(shape('return { status: "UP", latency: 1n }')).toBe('eval returned latency 1n; expected a finite number');
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

describe('validateEvalSyntax', () => {
	it('accepts valid code without running it', () => {
		expect(validateEvalSyntax(Q, DEFAULT_EVAL)).toEqual({ ok: true });
		const started = performance.now();
		expect(validateEvalSyntax(Q, 'while (true) {}')).toEqual({ ok: true });
		expect(performance.now() - started).toBeLessThan(200);
	});

	it('reports message, line and column', () => {
		const src = ';(async function (arrayOfPings) {\n    return {\n        status: "UP",,\n    }\n})';
		expect(validateEvalSyntax(Q, src)).toEqual({
			ok: false,
			error: 'SyntaxError: invalid property name (line 3, column 22)',
			line: 3,
			column: 22
		});
		expect(validateEvalSyntax(Q, 42 as unknown as string)).toMatchObject({ ok: false });
	});
});

describe('resources', () => {
	it('many evaluations on one module neither leak nor slow down', () => {
		const before = moduleMemoryBytes(Q);
		for (let i = 0; i < 300; i++) {
			const r = runEval(Q, i % 3 ? null : T('percentile'), [ping('open', i % 100), ping('open', 1)]);
			expect(r.status).toBe('UP');
		}
		expect(moduleIsUsable(Q)).toBe(true);
		expect(moduleMemoryBytes(Q)).toBe(before);
	});
});
