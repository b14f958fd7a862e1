// What an eval worker sends back, trusted only after checking its shape (a
// worker runs hostile code; its replies are data, never assumed well-formed).
import { latencyProblem } from '../latency';
import { EVAL_FAULTS, MONITOR_STATUSES, type EvalFault, type EvalResult, type MonitorStatus } from '../types';

export type SyntaxCheck = { ok: true } | { ok: false; error: string; line?: number; column?: number };

/** Why an evaluation failed, beyond its message: a limit the code hit, or it did not run (EvalResult). */
export type FailureKind = EvalFault | 'notRun';

/** A DOWN result standing in for an evaluation that failed. */
export function down(error: string, durationMs: number, kind?: FailureKind): EvalResult {
	const r: EvalResult = { status: 'DOWN', latency: 0, error, durationMs };
	if (kind === 'notRun') r.notRun = true;
	else if (kind) r.fault = kind;
	return r;
}

/** A worker's eval reply, trusted only after checking its shape. */
export function checkResult(result: unknown, durationMs: number): EvalResult {
	const r = result as Partial<EvalResult> | null;
	if (
		!r ||
		typeof r !== 'object' ||
		!(MONITOR_STATUSES as readonly unknown[]).includes(r.status) ||
		typeof r.latency !== 'number' ||
		// The worker refuses these already (run-stages.ts); a reply that has one anyway is not trusted.
		latencyProblem(r.latency) !== null
	) {
		return down('eval sandbox sent a malformed reply', durationMs);
	}
	const out: EvalResult = { status: r.status as MonitorStatus, latency: r.latency, durationMs };
	if (typeof r.error === 'string') out.error = r.error;
	if ((EVAL_FAULTS as readonly unknown[]).includes(r.fault)) out.fault = r.fault;
	if (typeof r.cpuMs === 'number' && Number.isFinite(r.cpuMs) && r.cpuMs >= 0) out.cpuMs = r.cpuMs;
	return out;
}

export function checkSyntaxReply(result: unknown): SyntaxCheck {
	const r = result as { ok?: unknown; error?: unknown; line?: unknown; column?: unknown } | null;
	if (r && r.ok === true) return { ok: true };
	if (r && r.ok === false && typeof r.error === 'string') {
		const out: SyntaxCheck = { ok: false, error: r.error };
		if (typeof r.line === 'number') out.line = r.line;
		if (typeof r.column === 'number') out.column = r.column;
		return out;
	}
	return { ok: false, error: 'eval sandbox sent a malformed reply' };
}
