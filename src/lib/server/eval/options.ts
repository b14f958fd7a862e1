// Settings of an eval pool (pool.ts) and of one evaluation.

export interface EvalOptions {
	/**
	 * Time limit for one evaluation, awaited promises included (default 1000):
	 * enforced in the worker (deadline.ts); wall time, or CPU time with wallMs.
	 */
	timeoutMs?: number;
	/** Memory limit for one evaluation's QuickJS heap (default 32). */
	memoryMb?: number;
}

export interface PoolEvalOptions extends EvalOptions {
	/** Run before every non-urgent task waiting (lanes.ts: code with a clean record). */
	urgent?: boolean;
	/**
	 * Latest start (epoch ms): if no worker has taken the task by then, it is
	 * answered DOWN without running (`notRun`), so the check it belongs to
	 * ends before the next one is due.
	 */
	startBy?: number;
	/**
	 * With it, timeoutMs counts the worker thread's CPU time (Linux; elsewhere
	 * wall time as usual) and wallMs caps the wall time: a healthy evaluation
	 * that waits for a core on a busy machine is not cut short for it.
	 */
	wallMs?: number;
}

export interface EvalConfig extends EvalOptions {
	/** Worker threads in the pool (default 2). */
	workers?: number;
	/** Watchdog slack on top of timeoutMs before a worker is terminated (default 250). */
	graceMs?: number;
	/**
	 * Started workers kept idle on top of `workers` (default 0): when a worker
	 * is terminated, a spare takes the next task at once while its replacement
	 * starts. Never more than `workers` evaluations run at a time.
	 */
	spares?: number;
	/** CPU niceness for the workers' threads, 0-19 (Linux; default 0: the process's priority). */
	nice?: number;
	/** The lane's name, in messages and thread names (default "eval"). */
	name?: string;
	/** Worker entry; default: resolveEvalWorkerUrl(). For tests. */
	url?: URL;
}

export const EVAL_DEFAULTS = Object.freeze({ timeoutMs: 1000, memoryMb: 32, workers: 2, graceMs: 250, spares: 0, nice: 0, name: 'eval' });
