// Delivers the outbox. It wakes when this process commits a check that
// queued messages (wake()), when the earliest pending message falls due (one
// small query after each claim times the next), and on a slow safety poll for
// rows queued by another process. Each claim takes due messages with FOR
// UPDATE SKIP LOCKED in a transaction, sends each through its channel type
// (channels/: webhook, Slack, Discord, email), many at once to one channel as
// a storm digest (storm.ts), logs the attempt and settles the row in that same
// transaction: several senders on one database never send a row twice at
// once, and a sender that dies mid-send lets its rows go back to the queue (at
// least once; the idempotency key lets a receiver drop the repeat). Failures
// retry with exponential backoff.
import type { Db } from '../db/index';
import { claimDueAlerts, nextAlertDue, recordDigestAttempt, type ClaimedAlert } from '../db/queries/alerts';
import { errorText, type Logger } from '../log';
import { deliver } from './channels/index';
import { unitsOf, type Unit } from './storm';

export interface SenderOptions {
	db: Db;
	log: Logger;
	/**
	 * Safety poll (default 10 s): the longest wait between looks at the outbox,
	 * for messages another process queued (another worker, the web process).
	 * This process's own messages wake the sender at once, retries when due.
	 */
	pollMs?: number;
	/**
	 * Wait before looking again when messages are due but all held by other
	 * claims in flight (default 1 s): they settle, or their sender dies and the
	 * rows come free.
	 */
	busyMs?: number;
	/** First retry delay, doubled each attempt (default 1 s). */
	retryBaseMs?: number;
	/** Longest retry delay (default 10 min). */
	retryCapMs?: number;
	/** Give up on a message this long after it was queued (default a day). */
	giveUpMs?: number;
	/** Per-request timeout (default 10 s). */
	timeoutMs?: number;
	/** Messages claimed per transaction (default 20). */
	batch?: number;
	/**
	 * Claim transactions in flight at once (default 2): a slow receiver holds
	 * its batch, not the queue. Each holds a pooled connection while it sends,
	 * so this stays well under the pool the probe loop writes through.
	 */
	concurrency?: number;
	/** Most messages in one storm digest (default 500). */
	digestMax?: number;
	/** How long a storming channel's oldest due message waits for the rest of the storm (default 1 s). */
	stormGatherMs?: number;
	/** The same once the channel had a digest in the last minute (default 10 s): a digest at most this often. */
	stormSpacingMs?: number;
}

/** Delay before retry number `attempts` (1 = after the first failure): base doubling, capped. */
export const backoffMs = (attempts: number, baseMs: number, capMs: number) =>
	Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));

interface Outcome {
	statusCode: number | null;
	error: string | null;
	delivered: boolean;
	durationMs: number;
}

export class Sender {
	private timer: NodeJS.Timeout | null = null;
	/** When the timer fires (ms since the epoch). */
	private timerAt = Infinity;
	private inFlight = new Set<Promise<void>>();
	/** A wake() came while every claim slot was busy: look again when one frees. */
	private missed = false;
	private stopped = true;
	readonly stats = { delivered: 0, failed: 0, digests: 0, claims: 0 };

	constructor(private o: SenderOptions) {}

	start(): void {
		if (!this.stopped) return;
		this.stopped = false;
		this.wake();
	}

	/** Looks for due messages now (if a claim slot is free; else as soon as one is). */
	wake(): void {
		if (this.stopped) return;
		if (this.inFlight.size >= (this.o.concurrency ?? 2)) {
			this.missed = true;
			return;
		}
		this.missed = false;
		// The safety poll stays armed while this claim runs: a receiver that
		// hangs until its timeout does not hold up the other channels.
		this.clearTimer();
		this.schedule(this.o.pollMs ?? 10_000);
		this.stats.claims++;
		const p: Promise<void> = this.tick()
			.then(
				(n) => this.planNext(n),
				(err) => {
					this.o.log.warn(`alert sender: ${errorText(err)}`);
					this.schedule(this.o.busyMs ?? 1000);
				}
			)
			.finally(() => {
				this.inFlight.delete(p);
				if (this.missed) this.wake();
			});
		this.inFlight.add(p);
	}

	/** Stops and waits for the sends in flight to settle. */
	async stop(): Promise<void> {
		this.stopped = true;
		this.clearTimer();
		await Promise.all([...this.inFlight]);
	}

	/**
	 * After a claim that handled n messages: at once if it handled some (the
	 * next message of a monitor may have come free), else when the earliest
	 * pending message is due, and never later than the safety poll.
	 */
	private async planNext(n: number): Promise<void> {
		if (this.stopped) return;
		const poll = this.o.pollMs ?? 10_000;
		if (n > 0) return this.schedule(0);
		let due: Date | null;
		try {
			due = await nextAlertDue(this.o.db);
		} catch (err) {
			this.o.log.warn(`alert sender: ${errorText(err)}`);
			return this.schedule(this.o.busyMs ?? 1000);
		}
		if (!due) return this.schedule(poll);
		const wait = due.getTime() - Date.now();
		// Due already but nothing claimed: another claim holds it (or the row before it).
		this.schedule(Math.min(poll, wait <= 0 ? (this.o.busyMs ?? 1000) : wait + 5));
	}

	/** Arms the timer for ms from now, unless it already fires sooner. */
	private schedule(ms: number): void {
		if (this.stopped) return;
		const at = Date.now() + ms;
		if (this.timer && this.timerAt <= at) return;
		this.clearTimer();
		this.timerAt = at;
		this.timer = setTimeout(() => {
			this.timer = null;
			this.timerAt = Infinity;
			this.wake();
		}, ms);
		this.timer.unref?.();
	}

	private clearTimer(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.timerAt = Infinity;
	}

	/** One claim: send what is due (alone, or as storm digests), settle it, commit. Returns how many messages it handled. */
	async tick(): Promise<number> {
		const n = await this.o.db.transaction(async (tx) => {
			const due = await claimDueAlerts(tx, this.o.batch ?? 20);
			if (due.length === 0) return 0;
			const units = await unitsOf(tx, due, {
				digestMax: this.o.digestMax ?? 500,
				gatherMs: this.o.stormGatherMs ?? 1000,
				spacingMs: this.o.stormSpacingMs ?? 10_000
			});
			// Units hold different (channel, monitor) pairs (the claim takes only
			// the oldest pending row of each), so they are sent in parallel; the
			// results are written one by one (one connection).
			const results = await Promise.all(units.map(async (u) => ({ u, at: new Date(), r: await this.send(u) })));
			let handled = 0;
			for (const { u, at, r } of results) {
				const retryAt = r.delivered ? null : this.retryAt(u.rows, at);
				// A digest formed now (its rows have no key yet) gets its key with the attempt.
				const batchKey = u.digest && !u.rows[0].batchKey ? u.key : undefined;
				await recordDigestAttempt(tx, ids(u), { at, ...r, retryAt, batchKey });
				handled += u.rows.length;
				if (u.digest) this.stats.digests++;
				if (r.delivered) this.stats.delivered += u.rows.length;
				else {
					this.stats.failed += u.rows.length;
					// One line per event: a line break in a receiver's words must not forge a log line.
					const what = (r.error ?? `HTTP ${r.statusCode}`).replace(/[\r\n]+/g, ' ');
					const next = retryAt ? `retry at ${retryAt.toISOString()}` : 'giving up';
					const which = u.digest ? `alert digest ${u.key} (${u.rows.length} messages)` : `alert ${u.key}`;
					const ch = u.rows[0];
					this.o.log.warn(`${which} to channel ${ch.channelId} (${ch.channelType}): ${what}; ${next}`);
				}
			}
			return handled;
		});
		return n;
	}

	/** A digest's rows settle alike: retried as long as its oldest row may be, from its most tried row's backoff. */
	private retryAt(rows: ClaimedAlert[], now: Date): Date | null {
		const attempts = Math.max(...rows.map((m) => m.attempts));
		const oldest = Math.min(...rows.map((m) => m.createdAt.getTime()));
		const at = now.getTime() + backoffMs(attempts + 1, this.o.retryBaseMs ?? 1000, this.o.retryCapMs ?? 600_000);
		return at - oldest > (this.o.giveUpMs ?? 86_400_000) ? null : new Date(at);
	}

	private async send(u: Unit): Promise<Outcome> {
		const started = performance.now();
		const { channelType, channelConfig } = u.rows[0];
		const out = { key: u.key, digest: u.digest, messages: u.rows.map((m) => ({ idempotencyKey: m.idempotencyKey, payload: m.payload })) };
		try {
			const r = await deliver(channelType, channelConfig, out, { timeoutMs: this.o.timeoutMs ?? 10_000 });
			return { ...r, durationMs: performance.now() - started };
		} catch (err) {
			// A channel type reports its failures; a throw is a bug, still logged and retried.
			return {
				statusCode: null,
				error: err instanceof Error ? err.message : String(err),
				delivered: false,
				durationMs: performance.now() - started
			};
		}
	}
}

const ids = (u: Unit) => u.rows.map((m) => m.id);
