// Per-client rate limit for public endpoints: a token bucket per client
// address, in memory (one process; behind several workers each limits its
// own share, which only makes the limit looser, never wrong). Memory is
// bounded: a bucket that has refilled completely is the same as no bucket,
// so those are dropped first, then the least recently seen.

export interface RateLimitOptions {
	/** Requests allowed in one window (also the burst size). */
	limit: number;
	windowMs: number;
	/** Most client addresses remembered at once. */
	maxEntries?: number;
}

export type Verdict = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

interface Bucket {
	tokens: number;
	at: number;
}

export class RateLimiter {
	readonly limit: number;
	readonly windowMs: number;
	readonly maxEntries: number;
	private readonly perMs: number;
	private readonly buckets = new Map<string, Bucket>();

	constructor(opts: RateLimitOptions) {
		this.limit = opts.limit;
		this.windowMs = opts.windowMs;
		this.maxEntries = opts.maxEntries ?? 10_000;
		this.perMs = opts.limit / opts.windowMs;
	}

	get size(): number {
		return this.buckets.size;
	}

	/** Takes one request from `key`'s bucket at time `now` (ms). */
	take(key: string, now = Date.now()): Verdict {
		const old = this.buckets.get(key);
		let tokens = this.limit;
		if (old) {
			tokens = Math.min(this.limit, old.tokens + Math.max(0, now - old.at) * this.perMs);
			this.buckets.delete(key); // re-inserted below: Map order is least recently seen first
		}
		if (tokens < 1) {
			this.buckets.set(key, { tokens, at: now });
			return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
		}
		this.buckets.set(key, { tokens: tokens - 1, at: now });
		if (this.buckets.size > this.maxEntries) this.evict(now);
		return { ok: true, remaining: Math.floor(tokens - 1) };
	}

	private evict(now: number) {
		for (const [k, b] of this.buckets) {
			if (b.tokens + (now - b.at) * this.perMs >= this.limit) this.buckets.delete(k);
		}
		// Still too many distinct clients inside one window: forget the least recently seen.
		for (const k of this.buckets.keys()) {
			if (this.buckets.size <= this.maxEntries) break;
			this.buckets.delete(k);
		}
	}
}

/**
 * The client a request counts against. Without a trusted header: the socket
 * address. With one: that header only (a client could send any header, so it
 * is read only when configured). For X-Forwarded-For the last entry is the
 * address our proxy saw; earlier entries are whatever the client claimed.
 */
export function clientKey(
	headers: { get(name: string): string | null },
	socketAddress: () => string,
	trustedHeader: string | undefined
): string {
	if (!trustedHeader) {
		try {
			return socketAddress();
		} catch {
			return 'unknown';
		}
	}
	const v = headers.get(trustedHeader);
	const last = v?.split(',').at(-1)?.trim();
	return last ? last : 'no-proxy-header';
}
