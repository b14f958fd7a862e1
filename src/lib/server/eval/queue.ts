// The eval pool's waiting room: tasks not yet handed to a worker. Urgent
// tasks go first, FIFO within each kind; a task with a latest start
// (`startBy`, the monitor's next check) that no worker took by then leaves
// the queue and is answered without running (pool.ts words the answer).
// That is a limit on waiting, not on running: the eval time limit is
// enforced in the worker (deadline.ts), backed by the pool's watchdog.
import type { Ping } from '../types';
import type { FailureKind } from './replies';

export type EvalMessage = {
	kind: 'eval';
	source: string;
	pings: Ping[];
	timeoutMs: number;
	memoryBytes: number;
	wallMs?: number;
};
export type SyntaxMessage = { kind: 'syntax'; source: string };

export interface Task {
	id: number;
	message: EvalMessage | SyntaxMessage;
	timeoutMs: number;
	urgent: boolean;
	/** Settle with the worker's reply (validated here). */
	reply: (result: unknown, durationMs: number) => void;
	/** Settle with a failure that names the cause (and the limit the code hit, or that it did not run). */
	fail: (error: string, durationMs: number, kind?: FailureKind) => void;
	startedAt?: number;
	/** The pool's watchdog (pool.ts): terminates the worker if it has not answered by timeoutMs + grace. */
	timer?: ReturnType<typeof setTimeout>;
	/** The worker thread's CPU ms when the task was handed to it (CPU budgets only). */
	cpuAtStart?: number | null;
	startBy?: number;
	expiry?: ReturnType<typeof setTimeout>;
}

export class TaskQueue {
	#urgent: Task[] = [];
	#normal: Task[] = [];

	get size(): number {
		return this.#urgent.length + this.#normal.length;
	}

	/**
	 * Queues a task. One whose latest start has passed is not queued:
	 * onExpire gets it at once; one still waiting at its latest start is
	 * taken out and given to onExpire then.
	 */
	add(task: Task, onExpire: (task: Task) => void): void {
		if (task.startBy !== undefined) {
			const wait = task.startBy - Date.now();
			if (wait <= 0) return onExpire(task);
			task.expiry = setTimeout(() => this.#remove(task) && onExpire(task), wait);
			task.expiry.unref?.();
		}
		(task.urgent ? this.#urgent : this.#normal).push(task);
	}

	/** The next task to run (its expiry timer cleared), or undefined. */
	next(): Task | undefined {
		const task = this.#urgent.shift() ?? this.#normal.shift();
		if (task) clearTimeout(task.expiry);
		return task;
	}

	/** Empties the queue: its tasks, urgent first. */
	takeAll(): Task[] {
		const all = [...this.#urgent.splice(0), ...this.#normal.splice(0)];
		for (const t of all) clearTimeout(t.expiry);
		return all;
	}

	#remove(task: Task): boolean {
		const q = task.urgent ? this.#urgent : this.#normal;
		const i = q.indexOf(task);
		if (i < 0) return false; // taken meanwhile
		q.splice(i, 1);
		return true;
	}
}
