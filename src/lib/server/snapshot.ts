// In-memory snapshot of every public, active monitor: status now, uptime and
// latency per window. Badges and the public JSON read it instead of querying
// per request, so a README on a busy page costs a Map lookup, not a database
// round trip. Hidden and inactive monitors are never loaded, so nothing
// served from here can leak them.
//
// Two cadences, both from the database (so it also follows checks written by
// a probe worker in another process, PROBE_WORKER=off):
// - status now: one cheap query every few seconds and soon after each local
//   check (poke);
// - uptime and latency windows: a full rebuild (a few rollup scans, ~100+ ms
//   of Postgres time at 1,000 monitors) every 30 s, or at once when the set
//   of public monitors or any of their settings changed (a monitor made
//   hidden disappears at the next status refresh).
import type { Db } from './db/index';
import {
	latencyPercentile,
	latencyWindows,
	monitorSummaries,
	publicStatusNow,
	windowStart,
	type LatencyStats,
	type MonitorSummary,
	type UptimeWindow
} from './db/queries/status';
import type { Logger } from './log';

export interface PublicMonitor extends MonitorSummary {
	latencyStats: Record<UptimeWindow, LatencyStats>;
}

export interface SnapshotData {
	/** Increments with every rebuild. */
	version: number;
	generatedAt: Date;
	/** Public active monitors in page order (group, order, name). */
	monitors: PublicMonitor[];
	byTag: Map<string, PublicMonitor>;
}

export interface SnapshotOptions {
	db: Db;
	timeZone: string;
	log?: Pick<Logger, 'warn'>;
	/** Status-now refresh (ms); default 5000. */
	refreshMs?: number;
	/** Full rebuild of the window figures (ms); default 30 000. */
	fullRefreshMs?: number;
	/** A poke rebuilds after this delay (ms), folding a burst of checks into one rebuild; default 500. */
	pokeDelayMs?: number;
	/** How long a computed percentile is reused (ms); default 60 000. */
	percentileTtlMs?: number;
	now?: () => Date;
}

export class StatusSnapshot {
	private data: SnapshotData | null = null;
	private timer: NodeJS.Timeout | null = null;
	private pokeTimer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;
	private again = false;
	private stopped = true;
	private percentiles = new Map<string, { at: number; value: Promise<number | null> }>();
	/** id:tag:updated_at of each public monitor at the last full rebuild. */
	private versions = '';
	private lastFull = 0;
	readonly stats = { full: 0, fast: 0, lastFullMs: 0, lastFastMs: 0 };
	/** Last rebuild error, for health pages; cleared by a good rebuild. */
	lastError: string | null = null;

	constructor(private o: SnapshotOptions) {}

	/** Loads once (errors are logged, not thrown: the web side must start even if the database is late), then keeps refreshing. */
	async start(): Promise<void> {
		if (!this.stopped) return;
		this.stopped = false;
		await this.refresh();
		this.timer = setInterval(() => void this.refresh(), this.o.refreshMs ?? 5000);
		this.timer.unref?.();
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		if (this.pokeTimer) clearTimeout(this.pokeTimer);
		this.timer = this.pokeTimer = null;
	}

	/** The latest good snapshot; null until the first load succeeded. */
	current(): SnapshotData | null {
		return this.data;
	}

	/** A check was written: rebuild soon. Many pokes within the delay cost one rebuild. */
	poke(): void {
		if (this.stopped || this.pokeTimer) return;
		this.pokeTimer = setTimeout(() => {
			this.pokeTimer = null;
			void this.refresh();
		}, this.o.pokeDelayMs ?? 500);
		this.pokeTimer.unref?.();
	}

	/** Rebuilds now. A call during a rebuild runs one more afterwards, so its caller sees data at least as new as the call. */
	refresh(): Promise<void> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		this.running = (async () => {
			do {
				this.again = false;
				await this.rebuild();
			} while (this.again && !this.stopped);
		})().finally(() => (this.running = null));
		return this.running;
	}

	/** Forces the next refresh to rebuild the window figures too. */
	invalidate(): void {
		this.lastFull = 0;
	}

	private async rebuild(): Promise<void> {
		try {
			const t0 = performance.now();
			const now = this.o.now?.() ?? new Date();
			const states = await publicStatusNow(this.o.db);
			const versions = states
				.map((r) => `${r.id}:${r.tag}:${r.updatedAt.getTime()}`)
				.sort()
				.join(',');
			const due = Date.now() - this.lastFull >= (this.o.fullRefreshMs ?? 30_000);
			if (!this.data || due || versions !== this.versions) {
				await this.rebuildFull(now);
				this.versions = versions;
				this.lastFull = Date.now();
				this.stats.full++;
				this.stats.lastFullMs = performance.now() - t0;
			} else {
				const byId = new Map(states.map((r) => [r.id, r]));
				let changed = false;
				const monitors = this.data.monitors.map((m) => {
					const r = byId.get(m.id);
					if (!r || (r.lastCheck?.getTime() ?? 0) === (m.lastCheck?.getTime() ?? 0)) return m;
					changed = true;
					return { ...m, status: r.status as PublicMonitor['status'], latency: r.latency, lastCheck: r.lastCheck, since: r.since };
				});
				// Unchanged: keep the same object, so per-snapshot caches (summary.json) stay warm.
				if (changed) this.publish(monitors, now);
				this.stats.fast++;
				this.stats.lastFastMs = performance.now() - t0;
			}
			this.lastError = null;
		} catch (err) {
			// Keep serving the last good snapshot; the next tick tries again.
			this.lastError = err instanceof Error ? err.message : String(err);
			this.o.log?.warn('status snapshot refresh failed; serving the previous one', { error: this.lastError });
		}
	}

	private async rebuildFull(now: Date) {
		const summaries = await monitorSummaries(this.o.db, { timeZone: this.o.timeZone, now, publicOnly: true });
		const latency = await latencyWindows(this.o.db, { timeZone: this.o.timeZone, now, ids: 'public' });
		const none = { avg: null, min: null, max: null, count: 0 };
		const empty = { '24h': none, '7d': none, '30d': none, '90d': none };
		this.publish(
			summaries.map((s) => ({ ...s, latencyStats: latency.get(s.id) ?? empty })),
			now
		);
	}

	private publish(monitors: PublicMonitor[], now: Date) {
		this.data = {
			version: (this.data?.version ?? 0) + 1,
			generatedAt: now,
			monitors,
			byTag: new Map(monitors.map((m) => [m.tag, m]))
		};
	}

	/**
	 * p95 (or another percentile) latency of one public monitor over a window,
	 * from raw checks. Rollups cannot give percentiles, so this is the one
	 * figure computed on demand: once per monitor, window and TTL, shared by
	 * all concurrent requests.
	 */
	percentile(m: PublicMonitor, window: UptimeWindow, p = 0.95): Promise<number | null> {
		const key = `${m.id}:${window}:${p}`;
		const nowMs = Date.now();
		const hit = this.percentiles.get(key);
		if (hit && nowMs - hit.at < (this.o.percentileTtlMs ?? 60_000)) return hit.value;
		if (this.percentiles.size > 10_000) this.percentiles.clear();
		const from = windowStart(window, this.o.now?.() ?? new Date(), this.o.timeZone);
		const value = latencyPercentile(this.o.db, m.id, from, p);
		this.percentiles.set(key, { at: nowMs, value });
		// A failed query is not cached: the next request tries again.
		value.catch(() => this.percentiles.delete(key));
		return value;
	}
}
