// What runEval (run.ts) and validateEvalSyntax (syntax.ts) share about the
// VM: the file names and stack limit they give QuickJS, reading a QuickJS
// stack, and the trusted JavaScript compiled inside each context around the
// admin's code (source text, compiled by QuickJS).

/** See run.ts's header: larger values let deep recursion overflow the host stack. */
export const MAX_STACK_BYTES = 64 * 1024;
/** The file name QuickJS reports in stacks for admin code. */
export const USER_FILE = 'eval.js';
/** The file name of the code below. */
export const INTERNAL_FILE = 'porthole-eval-internal.js';

/**
 * Where in the admin's code an error points, from a QuickJS stack:
 * compile errors read "    at eval.js:4:17", runtime frames "    at f (eval.js:3:10)".
 */
export function locate(stack: string): { line?: number; column?: number; compile: boolean } {
	const compile = /^\s*at eval\.js:(\d+):(\d+)\s*$/m.exec(stack.split('\n')[0] ?? '');
	if (compile) return { line: Number(compile[1]), column: Number(compile[2]), compile: true };
	const frame = /\(eval\.js:(\d+)(?::(\d+))?\)/.exec(stack);
	if (frame) return { line: Number(frame[1]), column: frame[2] ? Number(frame[2]) : undefined, compile: false };
	return { compile: false };
}

/** An error as one line of at most 300 characters. */
export function errorText(err: unknown): string {
	if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 300);
	return String(err).slice(0, 300);
}

// BOOT is compiled in each fresh context BEFORE the admin's
// code, so it holds the original builtins whatever that code later replaces;
// it is kept tiny because QuickJS compiles ~150 ns per character and this runs
// on every evaluation. EXPLAIN (describing bad values and thrown errors) is
// only compiled on a failure path, after the admin's code: it therefore uses
// nothing global, only the intrinsics BOOT captured and passes in. Helpers
// return primitives, or arrays of values built here (own data properties, so
// reading them runs no admin code).
export const BOOT = `(function (apply, parse, resolve, P) {
	'use strict';
	return [
		function (json) { return parse(json); },
		function (v) { return apply(resolve, P, [v]); },
		function (r) { return r === null || (typeof r !== 'object' && typeof r !== 'function') ? 0 : [r.status, r.latency]; },
		[apply, JSON.stringify, String.prototype.slice, Array.isArray, String]
	];
})(Reflect.apply, JSON.parse, Promise.resolve, Promise)`;

export const EXPLAIN = `(function (intrinsics) {
	'use strict';
	var apply = intrinsics[0], stringify = intrinsics[1], slice = intrinsics[2];
	var isArray = intrinsics[3], Str = intrinsics[4];
	function short(s, n) { return s.length > n ? apply(slice, s, [0, n]) + '...' : s; }
	function text(v, n) { return typeof v === 'string' ? short(v, n) : ''; }
	function describe(v) {
		var t = typeof v;
		if (v === null) return 'null';
		if (t === 'string') return v.length > 64 ? 'a string of ' + v.length + ' characters' : stringify(v);
		if (t === 'number' || t === 'boolean' || t === 'undefined') return '' + v;
		if (t === 'bigint') return v + 'n';
		if (t === 'symbol') return 'a symbol';
		if (t === 'function') return 'a function';
		return isArray(v) ? 'an array' : 'an object';
	}
	function error(e) {
		var name = '', message = '', stack = '';
		if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
			try { name = text(e.name, 100); } catch (x) {}
			try { message = text(e.message, 500); } catch (x) {}
			try { stack = text(e.stack, 4000); } catch (x) {}
			if (!name && !message) { try { message = text(Str(e), 500) || describe(e); } catch (x) { message = describe(e); } }
		} else {
			message = typeof e === 'string' ? short(e, 500) : describe(e);
		}
		return [name, message, stack];
	}
	return [describe, error];
})`;
