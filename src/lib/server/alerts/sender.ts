// Delivers the outbox. Every second (and on wake()) it claims due messages
// with FOR UPDATE SKIP LOCKED in a transaction, sends each through its
// channel type (channels/: webhook, Slack, Discord, email), many at once to
// one channel as a storm digest (storm.ts), logs the attempt and settles the
// row in that same transaction: several senders on one
// database never send a row twice at once, and a sender that dies mid-send
// lets its rows go back to the queue (at least once; the idempotency key lets
// a receiver drop the repeat). Failures retry with exponential backoff.
import type { Db } from '../db/index';
import { claimDueAlerts, recordDigestAttempt, setBatchKey, type ClaimedAlert } from '../db/queries/alerts';
import type { Logger } from '../log';
import { deliver } from './channels/index';
import { unitsOf, type Unit } from './storm';

// The webhook format lives with its channel type; re-exported for the sender's callers and tests.
export { signature, webhookBody } from './channels/webhook';

export interface SenderOptions {
	db: Db;
	log: Logger;
	/** How often to look for due messages (default 1 s). */
	pollMs?: number;
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
	private inFlight = new Set<Promise<void>>();
	private stopped = true;
	readonly stats = { delivered: 0, failed: 0, digests: 0 };

	constructor(private o: SenderOptions) {}

	start(): void {
		if (!this.stopped) return;
		this.stopped = false;
		this.timer = setInterval(() => this.wake(), this.o.pollMs ?? 1000);
		this.timer.unref?.();
		this.wake();
	}

	/** Looks for due messages now (if a claim slot is free). */
	wake(): void {
		if (this.stopped || this.inFlight.size >= (this.o.concurrency ?? 2)) return;
		const p: Promise<void> = this.tick()
			.then(
				() => {},
				(err) => this.o.log.warn(`alert sender: ${err instanceof Error ? err.message : String(err)}`)
			)
			.finally(() => this.inFlight.delete(p));
		this.inFlight.add(p);
	}

	/** Stops polling and waits for the sends in flight to settle. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await Promise.all([...this.inFlight]);
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
				if (u.newBatch) await setBatchKey(tx, ids(u), u.key);
				await recordDigestAttempt(tx, ids(u), { at, ...r, retryAt });
				handled += u.rows.length;
				if (u.digest) this.stats.digests++;
				if (r.delivered) this.stats.delivered += u.rows.length;
				else {
					this.stats.failed += u.rows.length;
					const what = r.error ?? `HTTP ${r.statusCode}`;
					const next = retryAt ? `retry at ${retryAt.toISOString()}` : 'giving up';
					const which = u.digest ? `alert digest ${u.key} (${u.rows.length} messages)` : `alert ${u.key}`;
					const ch = u.rows[0];
					this.o.log.warn(`${which} to channel ${ch.channelId} (${ch.channelType}): ${what}; ${next}`);
				}
			}
			return handled;
		});
		// A full batch likely means more are due: look again without waiting for the timer.
		if (n >= (this.o.batch ?? 20)) this.wake();
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
