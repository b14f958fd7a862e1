// The default eval function: what a monitor without its own function runs.
// Copied verbatim from the contract (tcp-monitor.md), "Default Implementation" (the
// source text is the contract: do not reformat it). Run in the QuickJS sandbox
// like any admin function (see run.ts), except where nativeDefaultEval below
// gives the same answer without it.

import { latencyProblem } from '../latency';

/** Spec's default eval: UP when every host is "open", else DOWN; latency = mean. */
export const DEFAULT_EVAL = `;(async function (arrayOfPings) {
    let latencyTotal = arrayOfPings.reduce((acc, ping) => {
        return acc + ping.latency
    }, 0)

    let alive = arrayOfPings.reduce((acc, ping) => {
        return acc && ping.status === "open"
    }, true)

    return {
        status: alive ? "UP" : "DOWN",
        latency: latencyTotal / arrayOfPings.length
    }
})`;

/**
 * The same function, run natively (a sandbox round trip per check would be a
 * large part of idle CPU). It runs the spec's code above statement for
 * statement on what the sandbox gives it, a JSON copy of the pings, so the
 * arithmetic is the same IEEE double arithmetic in the same order. It answers
 * only when the sandbox would have accepted its answer as is (status UP or
 * DOWN, latency a finite number in range); for anything else (no pings, a
 * latency that is not a number, an exception) it returns null and the caller
 * runs the sandbox, whose wording of the failure is the contract.
 * default.test.ts checks the two agree on every kind of input.
 */
export function nativeDefaultEval(pings: unknown): { status: 'UP' | 'DOWN'; latency: number; durationMs: number } | null {
	const started = performance.now();
	// The spec's code below runs untyped, as it does in the sandbox.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	let arrayOfPings: any[];
	try {
		const json = JSON.stringify(pings);
		if (json === undefined) return null;
		arrayOfPings = JSON.parse(json);
		if (!Array.isArray(arrayOfPings)) return null;

		// ---- the spec's function, verbatim apart from types ----
		/* eslint-disable prefer-const -- the spec's own declarations, kept as written */
		let latencyTotal = arrayOfPings.reduce((acc, ping) => {
			return acc + ping.latency;
		}, 0);

		let alive = arrayOfPings.reduce((acc, ping) => {
			return acc && ping.status === 'open';
		}, true);

		const result = {
			status: alive ? 'UP' : 'DOWN',
			latency: latencyTotal / arrayOfPings.length
		};
		/* eslint-enable prefer-const */
		// ---- end ----

		const latency = result.latency;
		if (typeof latency !== 'number' || !Number.isFinite(latency) || latencyProblem(latency) !== null) return null;
		return { status: result.status as 'UP' | 'DOWN', latency, durationMs: performance.now() - started };
	} catch {
		return null;
	}
}
