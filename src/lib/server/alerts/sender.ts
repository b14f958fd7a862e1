// Delivers the outbox. It wakes when this process commits a check that
// queued messages (wake()), when the earliest pending message falls due (one
// small query after each claim times the next), and on a slow safety poll for
// rows queued by another process. Each claim takes due messages with FOR
// UPDATE SKIP LOCKED in a transaction, POSTs each, logs the attempt and
// settles the row in that same transaction: several senders on one database
// never send a row twice at once, and a sender that dies mid-send lets its
// rows go back to the queue (at least once; the idempotency key lets a
// receiver drop the repeat). Failures retry with exponential backoff.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Db } from '../db/index';
import { claimDueAlerts, nextAlertDue, recordAttempt, type ClaimedAlert } from '../db/queries/alerts';
import type { Logger } from '../log';
import type { WebhookConfig } from '../alert-types';
import { PAYLOAD_VERSION } from './record';

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
}

/** The exact body bytes sent (and signed): keys in a fixed order. */
export function webhookBody(m: Pick<ClaimedAlert, 'idempotencyKey' | 'payload'>): string {
	const p = m.payload;
	// jsonb keeps keys in its own order, so nested objects are rebuilt too.
	const monitor = p.monitor as { tag?: unknown; name?: unknown } | undefined;
	return JSON.stringify({
		version: PAYLOAD_VERSION,
		id: m.idempotencyKey,
		kind: p.kind,
		monitor: { tag: monitor?.tag, name: monitor?.name },
		status: p.status,
		at: p.at,
		since: p.since,
		...(p.durationSeconds !== undefined ? { durationSeconds: p.durationSeconds } : {})
	});
}

/** `sha256=` and the hex HMAC-SHA256 of the body with the channel's secret, as GitHub signs its webhooks. */
export const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

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
	readonly stats = { delivered: 0, failed: 0, claims: 0 };

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
					this.o.log.warn(`alert sender: ${errText(err)}`);
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
			this.o.log.warn(`alert sender: ${errText(err)}`);
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

	/** One claim: send what is due, settle it, commit. Returns how many messages it handled. */
	async tick(): Promise<number> {
		const n = await this.o.db.transaction(async (tx) => {
			const due = await claimDueAlerts(tx, this.o.batch ?? 20);
			// Rows of one batch belong to different (channel, monitor) pairs (the
			// claim takes only the oldest pending row of each), so they are sent in
			// parallel; the results are written one by one (one connection).
			const results = await Promise.all(due.map(async (m) => ({ m, at: new Date(), r: await this.send(m) })));
			for (const { m, at, r } of results) {
				const retryAt = r.delivered ? null : this.retryAt(m, at);
				await recordAttempt(tx, { outboxId: m.id, at, ...r, retryAt });
				if (r.delivered) this.stats.delivered++;
				else {
					this.stats.failed++;
					const what = r.error ?? `HTTP ${r.statusCode}`;
					const next = retryAt ? `retry at ${retryAt.toISOString()}` : 'giving up';
					this.o.log.warn(`alert ${m.idempotencyKey} to channel ${m.channelId}: ${what}; ${next}`);
				}
			}
			return due.length;
		});
		// A full batch likely means more are due: look again without waiting for the timer.
		if (n >= (this.o.batch ?? 20)) this.wake();
		return n;
	}

	private retryAt(m: ClaimedAlert, now: Date): Date | null {
		const at = now.getTime() + backoffMs(m.attempts + 1, this.o.retryBaseMs ?? 1000, this.o.retryCapMs ?? 600_000);
		return at - m.createdAt.getTime() > (this.o.giveUpMs ?? 86_400_000) ? null : new Date(at);
	}

	private async send(m: ClaimedAlert): Promise<Outcome> {
		const started = performance.now();
		const done = (statusCode: number | null, error: string | null): Outcome => ({
			statusCode,
			error,
			delivered: statusCode !== null && statusCode >= 200 && statusCode < 300,
			durationMs: performance.now() - started
		});
		if (m.channelType !== 'webhook') return done(null, `unknown channel type ${m.channelType}`);
		const { url, secret } = m.channelConfig as WebhookConfig;
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			return done(null, 'the webhook URL is not a URL');
		}
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return done(null, 'the webhook URL is not http(s)');
		const body = webhookBody(m);
		try {
			return done(
				await post(parsed, body, this.o.timeoutMs ?? 10_000, {
					'content-type': 'application/json',
					'user-agent': 'Porthole-Alerts/1',
					'x-porthole-signature': signature(secret, body),
					'idempotency-key': m.idempotencyKey
				}),
				null
			);
		} catch (err) {
			return done(null, err instanceof Error ? err.message : String(err));
		}
	}
}

/**
 * POSTs body and resolves with the status code. node:http rather than fetch:
 * fetch refuses the "bad ports" of browsers (25, 6667, …) that a webhook may
 * well use. Redirects are not followed (an answer to fix, not to re-sign).
 * The timeout covers the whole exchange, connect to last byte.
 */
function post(url: URL, body: string, timeoutMs: number, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
		const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
			// Drain the answer so the socket is freed; its content is not used.
			res.resume();
			res.on('end', () => {
				clearTimeout(timer);
				resolve(res.statusCode ?? 0);
			});
			res.on('error', fail);
		});
		const timer = setTimeout(() => {
			req.destroy();
			reject(new Error(`timed out after ${timeoutMs} ms`));
		}, timeoutMs);
		function fail(err: Error & { code?: string }) {
			clearTimeout(timer);
			reject(new Error(err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message));
		}
		req.on('error', fail);
		req.end(body);
	});
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));
