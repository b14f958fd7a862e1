// Keeps results while the database is unreachable and writes them back in
// order, each once (the slot upsert makes a retried write harmless). Bounded:
// past capacity the oldest results are dropped, counted and logged, so an
// outage of days cannot eat the process's memory.
import type { CheckInput } from '../db/queries/checks';
import type { Logger } from '../log';

const FLUSH_BATCH = 64;

export type SubmitResult = 'written' | 'duplicate' | 'buffered' | 'rejected';

/**
 * Whether a failed write is worth retrying: connection-level trouble (no
 * SQLSTATE, or SQLSTATE class 08, shutdown, too many connections) is; a
 * constraint violation (e.g. the monitor was deleted meanwhile) is not.
 */
export function isTransientDbError(err: unknown): boolean {
	for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
			return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
		}
	}
	return true;
}

export interface WriteBufferOptions {
	write: (c: CheckInput) => Promise<boolean>;
	/** Most results held; read on every push so it can follow the monitor count. */
	capacity: () => number;
	log: Logger;
	retryMs?: number;
	/** A first write slower than this counts as failed and the result is buffered (ms). */
	writeTimeoutMs?: number;
}

export class TimeoutError extends Error {}

/** Rejects after ms; the operation itself may still finish (harmless: slot writes are idempotent). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new TimeoutError(`${what} took over ${ms} ms`)), ms);
		p.then(
			(v) => (clearTimeout(t), resolve(v)),
			(e) => (clearTimeout(t), reject(e))
		);
	});
}

export class WriteBuffer {
	private queue: CheckInput[] = [];
	private flushing: Promise<void> | null = null;
	private closed = false;
	/** Set while results wait: the log says so once per episode, not once per check. */
	private troubled = false;
	dropped = 0;
	written = 0;

	constructor(private o: WriteBufferOptions) {}

	get size(): number {
		return this.queue.length;
	}

	async submit(c: CheckInput): Promise<SubmitResult> {
		// While older results wait, newer ones queue behind them: order is kept.
		if (this.queue.length > 0) {
			this.push(c);
			return 'buffered';
		}
		try {
			const inserted = await within(this.o.write(c), this.o.writeTimeoutMs ?? 5000, 'database write');
			if (inserted) this.written++;
			return inserted ? 'written' : 'duplicate';
		} catch (err) {
			if (!isTransientDbError(err)) {
				this.o.log.error(`check for monitor ${c.monitorId} at ${c.ts.toISOString()} rejected by the database`, {
					error: errText(err)
				});
				return 'rejected';
			}
			if (!this.troubled) {
				this.troubled = true;
				this.o.log.warn(
					err instanceof TimeoutError
						? 'database slow: buffering results and writing them in the background'
						: 'database unreachable: buffering results until it returns',
					{ error: errText(err) }
				);
			}
			this.push(c);
			return 'buffered';
		}
	}

	private push(c: CheckInput) {
		this.queue.push(c);
		const cap = Math.max(1, this.o.capacity());
		if (this.queue.length > cap) {
			const n = this.queue.length - cap;
			this.queue.splice(0, n);
			this.dropped += n;
			this.o.log.error(`outage buffer full (${cap} results): dropped ${n} oldest, ${this.dropped} in all`);
		}
		this.flushing ??= this.flush().finally(() => (this.flushing = null));
	}

	private async flush() {
		const retry = this.o.retryMs ?? 1000;
		while (this.queue.length > 0 && !this.closed) {
			// A batch from the head, written with one chain per monitor: monitors
			// in parallel (a slow database still catches up), each monitor's own
			// results strictly in order ("status now" and its changes depend on it).
			const batch = this.queue.slice(0, FLUSH_BATCH);
			const chains = new Map<number, CheckInput[]>();
			for (const c of batch) chains.set(c.monitorId, [...(chains.get(c.monitorId) ?? []), c]);
			const done = new Set<CheckInput>();
			let transient = false;
			await Promise.all(
				[...chains.values()].map(async (chain) => {
					for (const c of chain) {
						try {
							if (await within(this.o.write(c), 10_000, 'database write')) this.written++;
							done.add(c);
						} catch (err) {
							if (isTransientDbError(err)) {
								transient = true;
								return; // keep the rest of this monitor's chain for the next round, in order
							}
							done.add(c);
							this.o.log.error(`buffered check for monitor ${c.monitorId} rejected by the database`, {
								error: errText(err)
							});
						}
					}
				})
			);
			this.queue = this.queue.filter((c) => !done.has(c));
			if (transient) await new Promise((r) => setTimeout(r, retry));
		}
		if (!this.closed && this.troubled) {
			this.troubled = false;
			this.o.log.info('outage buffer flushed: every held result is written');
		}
	}

	/** Tries to write what is left, for at most waitMs; returns how many results could not be written. */
	async drain(waitMs: number): Promise<number> {
		if (this.flushing) await Promise.race([this.flushing, new Promise((r) => setTimeout(r, waitMs))]);
		this.closed = true;
		return this.queue.length;
	}
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
