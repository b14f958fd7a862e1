// One monitor's check: probe every host at once, then hand the array to the
// eval function. Never throws: a probe or eval failure becomes a DOWN result
// whose error says what went wrong, so the loop (and run-now) carry on.
import type { EvalResult, Host, Ping } from '../types';

export type ProbeFn = (hosts: Host[]) => Promise<Ping[]>;
/**
 * `key` names whose record of misbehaviour the evaluation counts towards;
 * `deadline` (epoch ms) is when the answer is needed by (see eval/lanes.ts).
 */
export type EvalCheckOptions = { key?: string; deadline?: number };
export type EvaluateFn = (source: string | null, pings: Ping[], opts?: EvalCheckOptions) => Promise<EvalResult>;

export interface CheckOutcome {
	pings: Ping[];
	result: EvalResult;
	/** Wall ms spent probing (all hosts, in parallel) and evaluating. */
	probeMs: number;
	evalMs: number;
}

export async function runCheck(
	hosts: Host[],
	evalSource: string | null,
	deps: { probe: ProbeFn; evaluate: EvaluateFn },
	opts?: EvalCheckOptions
): Promise<CheckOutcome> {
	const t0 = performance.now();
	let pings: Ping[];
	try {
		pings = await deps.probe(hosts);
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		pings = hosts.map((h) => ({
			status: 'error' as const,
			latency: 0,
			host: h.host,
			port: h.port,
			type: h.type,
			error: `EPROBE: probe failed: ${message}`
		}));
	}
	const t1 = performance.now();
	let result: EvalResult;
	try {
		result = await deps.evaluate(evalSource, pings, opts);
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		result = { status: 'DOWN', latency: 0, error: `eval failed: ${message}`, durationMs: performance.now() - t1 };
	}
	const t2 = performance.now();
	return { pings, result, probeMs: t1 - t0, evalMs: t2 - t1 };
}
