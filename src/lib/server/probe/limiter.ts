// The socket cap: a FIFO semaphore of probe slots, one per socket in flight,
// so thousands of probes queue instead of running out of file descriptors.
// It runs in the probe worker thread with tcp.ts.
//
// Two budgets per thread: the scheduler's (MAX_SOCKETS) and a small one for
// on-demand probes (run-now). They share no queue, so a flood of run-now
// requests at hosts that never answer can only wait behind itself: scheduled
// checks never queue behind an on-demand probe, nor for a slot one holds.

/** Default cap on probes (sockets) in flight per thread. */
export const DEFAULT_MAX_SOCKETS = 256;

/**
 * Cap on on-demand (run-now) probes in flight per thread, on top of the
 * scheduler's cap. Run-now admits at most 4 requests of 20 hosts at once (see
 * src/lib/server/probe/run-now.ts), so at most 80 hosts wait for these.
 */
export const ONDEMAND_MAX_SOCKETS = 32;

function checkMax(max: unknown): number {
	if (max === Infinity || (typeof max === 'number' && Number.isInteger(max) && max >= 1)) {
		return max;
	}
	throw new RangeError(`maxSockets must be an integer >= 1 (or Infinity), got ${String(max)}`);
}

/**
 * A counting semaphore for sockets in flight. FIFO; no timers, no promises on
 * the fast path.
 */
export class Limiter {
	#max: number;
	#active = 0;
	#queue: Array<(() => void) | undefined> = [];
	#head = 0;
	#draining = false;

	/** `max` slots: an integer >= 1, or Infinity. */
	constructor(max: number) {
		this.#max = checkMax(max);
	}

	/** Number of slots. Raising it starts queued tasks at once; lowering it lets running ones finish. */
	get max(): number {
		return this.#max;
	}
	set max(max: number) {
		this.#max = checkMax(max);
		this.#drain();
	}

	/** Slots held now. */
	get active(): number {
		return this.#active;
	}

	/** Tasks waiting for a slot. */
	get pending(): number {
		return this.#queue.length - this.#head;
	}

	/**
	 * Run `task` once it holds a slot: synchronously if one is free now,
	 * otherwise in FIFO order as slots are released. The task owns the slot and
	 * must call `release()` exactly once. A task that throws synchronously has
	 * its slot released and the exception rethrown asynchronously (like any
	 * uncaught exception).
	 */
	run(task: () => void): void {
		if (this.#active < this.#max && this.pending === 0) {
			this.#active++;
			this.#start(task);
		} else {
			this.#queue.push(task);
		}
	}

	/**
	 * Promise form of `run`: resolves, once a slot is held, to a function that
	 * releases it (calling that function more than once is harmless).
	 */
	acquire(): Promise<() => void> {
		return new Promise((resolve) => {
			this.run(() => {
				let held = true;
				resolve(() => {
					if (held) {
						held = false;
						this.release();
					}
				});
			});
		});
	}

	/** Give back a slot taken by `run`. */
	release(): void {
		if (this.#active <= 0) throw new Error('Limiter.release() called with no slot held');
		this.#active--;
		this.#drain();
	}

	#start(task: () => void): void {
		try {
			task();
		} catch (err) {
			this.#active--;
			process.nextTick(() => {
				throw err;
			});
		}
	}

	#drain(): void {
		// Not re-entrant: a task that releases synchronously (a probe that fails
		// before connecting) lets this loop go on instead of recursing.
		if (this.#draining) return;
		this.#draining = true;
		try {
			while (this.#active < this.#max && this.#head < this.#queue.length) {
				const task = this.#queue[this.#head] as () => void;
				this.#queue[this.#head++] = undefined;
				this.#active++;
				this.#start(task);
			}
			if (this.#head === this.#queue.length) {
				this.#queue.length = 0;
				this.#head = 0;
			} else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
				this.#queue = this.#queue.slice(this.#head);
				this.#head = 0;
			}
		} finally {
			this.#draining = false;
		}
	}
}

/** A limiter of `max` slots: an integer >= 1, or Infinity. */
export function createLimiter(max: number): Limiter {
	return new Limiter(max);
}

/** The limiter probeHost and probeHosts use unless given another: one per thread. */
export const defaultLimiter = new Limiter(DEFAULT_MAX_SOCKETS);

/** The limiter for on-demand probes (run-now): its own slots and queue. */
export const onDemandLimiter = new Limiter(ONDEMAND_MAX_SOCKETS);

/** Change the default limiter's cap (default 256): an integer >= 1, or Infinity. */
export function setMaxSockets(max: number): void {
	defaultLimiter.max = max;
}

/** The default limiter's cap. */
export function getMaxSockets(): number {
	return defaultLimiter.max;
}
