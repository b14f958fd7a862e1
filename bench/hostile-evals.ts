// What bench/hostile.ts feeds the eval sandbox: code that attacks it (each
// kind a known way to hurt a sandbox, as eval/run.test.ts and pool.test.ts
// try them one at a time) and healthy code that must not suffer for it; and
// how its errors are grouped in the report.
import { EVAL_TEMPLATES } from '../src/lib/server/eval/templates';

/** The hostile kinds, each one a known way to hurt a sandbox (see eval/run.test.ts, pool.test.ts). */
export const HOSTILE_KINDS: { kind: string; source: (n: number) => string }[] = [
	{ kind: 'infinite loop', source: (n) => `;(function (pings) { while (true) {} }) // hostile ${n}` },
	{
		// Never calls QuickJS's interrupt handler: only terminating the worker stops it.
		kind: 'indexOf 2**53-1',
		source: (n) => `;(function (pings) { Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1) }) // hostile ${n}`
	},
	{ kind: 'memory bomb', source: (n) => `;(function (pings) { let a = []; while (true) a.push(new Array(1e6).fill(1)) }) // hostile ${n}` },
	{ kind: 'never-settling promise', source: (n) => `;(function (pings) { return new Promise(() => {}) }) // hostile ${n}` },
	{ kind: 'promise spin', source: (n) => `;(async function (pings) { for (;;) await null }) // hostile ${n}` }
];
const template = (id: string) => EVAL_TEMPLATES.find((t) => t.id === id)!.source;
/** Healthy code: the default, two spec examples, and a small custom function per monitor. */
export const HEALTHY_KINDS: ((n: number) => string | null)[] = [
	() => null,
	() => template('quorum'),
	() => template('latency-threshold'),
	(n) =>
		`;(async function (pings) { // healthy ${n}\n  const open = pings.filter((p) => p.status === 'open')\n  return { status: open.length === pings.length ? 'UP' : 'DOWN', latency: Math.max(...pings.map((p) => p.latency)) }\n})`
];

/** An error with the variable parts (fault quoted, counts) taken out, for grouping. */
export function cause(error: string | null | undefined): string {
	if (!error) return '(none)';
	return error
		.replace(/ \(last fault: .*\)$/, '')
		.replace(/^eval quarantined: \d+ checks in a row hit a limit .*$/, 'eval quarantined: backing off after repeated faults')
		.replace(/^(eval quarantined: it ran over )\d+( ms)/, '$1N$2')
		.replace(/\d+ others waiting\)$/, 'N others waiting)');
}
