// Trusted JavaScript that runEval (run.js) compiles inside each QuickJS
// context, around the admin's code. Plain ESM (it is loaded by the eval worker).
//
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
