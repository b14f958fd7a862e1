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

/** The hosts' pings; a failing probe worker becomes an "error" ping per host that says so. */
export async function probeOrError(hosts: Host[], probe: ProbeFn): Promise<Ping[]> {
	try {
		return await probe(hosts);
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		return hosts.map((h) => ({
			status: 'error' as const,
			latency: 0,
			host: h.host,
			port: h.port,
			type: h.type,
			error: `EPROBE: probe failed: ${message}`
		}));
	}
}

/** The eval's answer; an evaluation that throws becomes DOWN with the cause. */
export async function evaluateOrDown(
	evalSource: string | null,
	pings: Ping[],
	evaluate: EvaluateFn,
	opts?: EvalCheckOptions
): Promise<EvalResult> {
	const t = performance.now();
	try {
		return await evaluate(evalSource, pings, opts);
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		return { status: 'DOWN', latency: 0, error: `eval failed: ${message}`, durationMs: performance.now() - t };
	}
}

export async function runCheck(
	hosts: Host[],
	evalSource: string | null,
	deps: { probe: ProbeFn; evaluate: EvaluateFn },
	opts?: EvalCheckOptions
): Promise<CheckOutcome> {
	const t0 = performance.now();
	const pings = await probeOrError(hosts, deps.probe);
	const t1 = performance.now();
	const result = await evaluateOrDown(evalSource, pings, deps.evaluate, opts);
	const t2 = performance.now();
	return { pings, result, probeMs: t1 - t0, evalMs: t2 - t1 };
}
