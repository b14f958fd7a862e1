// The range a check's latency must fall in, shared by the eval worker (which
// refuses an eval's result outside it), the host's check of worker replies and
// the write path.
//
// Why a ceiling: float8 rollups add latencies up, and two finite but absurd
// values (1.5e308) overflow the sum, failing every later write of that
// monitor. No real TCP check takes an hour; at one check a second
// a day's sum stays below 3.2e11, far from any overflow.

/** One hour, in ms. */
export const MAX_LATENCY_MS = 3_600_000;

/**
 * Why a latency cannot be recorded, or null when it can. Refused, never
 * clamped: a clamped figure would be a made-up measurement.
 */
export function latencyProblem(latency: number): string | null {
	if (typeof latency !== 'number' || !Number.isFinite(latency)) return 'expected a finite number';
	return latency >= 0 && latency <= MAX_LATENCY_MS ? null : `must be 0-${MAX_LATENCY_MS}`;
}
