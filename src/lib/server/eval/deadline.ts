// Where the eval time limit is enforced: inside the eval worker thread, by
// EvalRun (run-stages.ts, one stage of runEval), which asks `overdue()` from QuickJS's interrupt handler
// (which QuickJS calls periodically while bytecode runs) and between batches of
// promise jobs, and stops the admin's code once it says yes. The rest only
// choose the limit or back it up: lanes.ts picks each lane's limit (a short
// CPU limit first, the full one in quarantine); pool.ts's watchdog terminates a
// worker that has not answered by the limit plus a grace (code stuck in a
// builtin that never calls the interrupt handler); queue.ts's `startBy` is when
// a task must have started, not how long it may run.

export interface DeadlineClock {
	/** This thread's CPU time in ms (cpu.ts); with it the limit counts CPU time, not wall time. */
	cpuMs?: () => number | null;
	/** With cpuMs: the wall-clock cap (at least the limit). */
	wallMs: number;
}

/**
 * One evaluation's time limit: `timeoutMs` of wall-clock time from `started`
 * (performance.now()), awaited promises included; or, given a CPU clock, a
 * budget of this thread's CPU time within a wall-clock cap, so that waiting
 * for a core on a busy machine is not counted against the code (the lanes'
 * short limit).
 */
export class EvalDeadline {
	readonly timeoutMs: number;
	#deadline: number;
	readonly #wallCap: number;
	readonly #cpuMs: (() => number | null) | undefined;
	readonly #cpuStart: number | null;

	constructor(started: number, timeoutMs: number, clock: DeadlineClock) {
		this.timeoutMs = timeoutMs;
		this.#deadline = started + timeoutMs;
		this.#cpuMs = clock.cpuMs;
		this.#cpuStart = clock.cpuMs?.() ?? null;
		this.#wallCap = started + Math.max(timeoutMs, clock.wallMs);
	}

	/**
	 * Whether the limit has passed. With a CPU budget: past the wall deadline,
	 * the deadline moves on by the budget not used yet, up to the wall cap.
	 */
	overdue(): boolean {
		const now = performance.now();
		if (now <= this.#deadline) return false;
		if (this.#cpuStart !== null && this.#cpuMs && now < this.#wallCap) {
			const used = (this.#cpuMs() ?? Infinity) - this.#cpuStart;
			if (used < this.timeoutMs) {
				this.#deadline = Math.min(this.#wallCap, now + Math.max(5, this.timeoutMs - used));
				return false;
			}
		}
		return true;
	}
}
