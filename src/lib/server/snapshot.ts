// In-memory snapshot of every public, active monitor: status now, uptime and
// latency per window. Badges and the public JSON read it instead of querying
// per request, so a README on a busy page costs a Map lookup, not a database
// round trip. Hidden and inactive monitors are never loaded, so nothing
// served from here can leak them.
//
// Two cadences, both from the database (so it also follows checks written by
// a probe worker in another process, PROBE_WORKER=off):
// - status now: one cheap query within 2 s after each local check (poke; a
//   burst of checks shares one), and at least every 5 s;
// - uptime and latency windows: a full rebuild (a few rollup scans, ~100+ ms
//   of Postgres time at 1,000 monitors) every 30 s, or at once when the set
//   of public monitors or any of their settings changed (a monitor made
//   hidden disappears at the next status refresh).
//
// One monitor's bad rows must not freeze the others (a rollup that overflows
// float8 fails the whole rebuild, which would leave every badge stale). A
// rebuild that fails with a data error is redone one monitor at a time; the
// monitors that still fail keep their last good figures, are read alone from
// then on, and are named in lastError / problems() for /api/health. Status
// now is applied from its own cheap query whatever the window figures do.
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

type StatusRow = Awaited<ReturnType<typeof publicStatusNow>>[number];

/** The database's own words: a driver error wraps them after the whole query text. */
function errorText(err: unknown): string {
	const e = err as { cause?: unknown; message?: unknown } | null;
	const inner = e?.cause instanceof Error ? e.cause.message : undefined;
	return inner ?? (err instanceof Error ? err.message : String(err));
}

/** SQLSTATE class 22 (data exception: overflow, bad value): a row's fault, not the database's. */
function isDataError(err: unknown): boolean {
	const code = ((err as { cause?: { code?: unknown } })?.cause?.code ?? (err as { code?: unknown })?.code) as unknown;
	return typeof code === 'string' && code.startsWith('22');
}
import type { Logger } from './log';
import { isCurrent, slotMs } from './current';

export interface PublicMonitor extends MonitorSummary {
	latencyStats: Record<UptimeWindow, LatencyStats>;
	/**
	 * Has a check within its expected interval (isCurrent, as the page's
	 * "No data"): the status of a monitor that is not current is not status
	 * now. Recomputed at every refresh, so it turns false as a check ages.
	 */
	current: boolean;
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
	/**
	 * A poke rebuilds after this delay (ms), folding a burst of checks into one
	 * rebuild; default 2000 (with checks spread over the minute, 500 would
	 * rebuild twice a second, the larger part of idle CPU).
	 */
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
	/** Monitors whose window figures cannot be read (their last good ones are served), by id. */
	private broken = new Map<number, { tag: string; error: string }>();

	constructor(private o: SnapshotOptions) {}

	/** Loads once (errors are logged, not thrown: the web side must start even if the database is late), then keeps refreshing. */
	async start(): Promise<void> {
		if (!this.stopped) return;
		this.stopped = false;
		await this.refresh();
	}

	/**
	 * The next timed refresh, refreshMs after the last one started: a refresh
	 * made for a poke also counts, so during a burst of checks the timer does
	 * not add rebuilds of its own (they would cost idle CPU), and status is never
	 * older than refreshMs.
	 */
	private arm(): void {
		if (this.stopped) return;
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.refresh();
		}, this.o.refreshMs ?? 5000);
		this.timer.unref?.();
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
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
		}, this.o.pokeDelayMs ?? 2000);
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
				this.arm();
				await this.rebuild();
			} while (this.again && !this.stopped);
		})().finally(() => (this.running = null));
		return this.running;
	}

	/** Forces the next refresh to rebuild the window figures too. */
	invalidate(): void {
		this.lastFull = 0;
	}

	/** What health reports: the last failed refresh, and the monitors served from their last good figures. */
	problems(): { error: string | null; monitors: { tag: string; error: string }[] } {
		return { error: this.lastError, monitors: [...this.broken.values()] };
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
			let error: string | null = null;
			if (!this.data || due || versions !== this.versions) {
				try {
					await this.rebuildFull(now, states);
					this.versions = versions;
					this.lastFull = Date.now();
					this.stats.full++;
					this.stats.lastFullMs = performance.now() - t0;
				} catch (err) {
					// Window figures stay as they were (retried next tick); status now below still moves.
					error = errorText(err);
					this.o.log?.warn('status snapshot rebuild failed; serving the previous window figures', { error });
				}
			} else this.stats.fast++;
			// Also after a full rebuild: the monitors served from their last good figures get their status now.
			if (this.data) this.applyStatusNow(states, now);
			this.stats.lastFastMs = performance.now() - t0;
			this.lastError = error;
		} catch (err) {
			// The status query itself failed (database unreachable): keep serving the last good snapshot.
			this.lastError = errorText(err);
			this.o.log?.warn('status snapshot refresh failed; serving the previous one', { error: this.lastError });
		}
	}

	/** Status now onto the current figures; a monitor no longer public is dropped at once. */
	private applyStatusNow(states: StatusRow[], now: Date) {
		const current = this.data!.monitors;
		const old = new Map(current.map((m) => [m.id, m]));
		const monitors: PublicMonitor[] = [];
		for (const r of states) {
			const m = old.get(r.id);
			// Public now, but its figures could not be read yet: not served until they can be.
			if (!m) continue;
			// Only a newer check: the figures may have been read after `states`.
			if ((r.lastCheck?.getTime() ?? 0) <= (m.lastCheck?.getTime() ?? 0)) monitors.push(this.aged(m, now));
			else
				monitors.push(
					this.aged({ ...m, status: r.status as PublicMonitor['status'], latency: r.latency, lastCheck: r.lastCheck, since: r.since }, now)
				);
		}
		// Unchanged: keep the same object, so per-snapshot caches (summary.json) stay warm.
		if (monitors.length !== current.length || monitors.some((m, i) => m !== current[i])) this.publish(monitors, now);
	}

	private async rebuildFull(now: Date, states: StatusRow[]) {
		const tz = this.o.timeZone;
		const none = { avg: null, min: null, max: null, count: 0 };
		const empty = { '24h': none, '7d': none, '30d': none, '90d': none };
		const byId = new Map<number, PublicMonitor>();
		// All monitors in one go, less those known broken.
		let alone = states.filter((r) => this.broken.has(r.id));
		try {
			const exclude = alone.map((r) => r.id);
			const summaries = await monitorSummaries(this.o.db, { timeZone: tz, now, publicOnly: true, exclude });
			const latency = await latencyWindows(this.o.db, { timeZone: tz, now, ids: 'public', exclude });
			for (const s of summaries) byId.set(s.id, { ...s, latencyStats: latency.get(s.id) ?? empty, current: false });
		} catch (err) {
			if (!isDataError(err)) throw err;
			// Some monitor's rows break the batch: find out which, one at a time.
			alone = states;
		}
		const previous = new Map((this.data?.monitors ?? []).map((m) => [m.id, m]));
		for (const r of alone) {
			let summary: MonitorSummary | undefined;
			let latencyStats: PublicMonitor['latencyStats'] | undefined;
			let error: string | null = null;
			try {
				[summary] = await monitorSummaries(this.o.db, { timeZone: tz, now, publicOnly: true, tags: [r.tag] });
			} catch (err) {
				if (!isDataError(err)) throw err;
				error = errorText(err);
			}
			try {
				latencyStats = (await latencyWindows(this.o.db, { timeZone: tz, now, ids: [r.id] })).get(r.id) ?? empty;
			} catch (err) {
				if (!isDataError(err)) throw err;
				error ??= errorText(err);
			}
			const last = previous.get(r.id);
			if (error) this.broken.set(r.id, { tag: r.tag, error });
			else this.broken.delete(r.id);
			// Whatever could not be read now is served as it last was (status now is applied after).
			const base = summary ?? last;
			if (base) byId.set(r.id, { ...base, latencyStats: latencyStats ?? last?.latencyStats ?? empty, current: false });
		}
		for (const id of this.broken.keys()) if (!states.some((r) => r.id === id)) this.broken.delete(id);
		// Page order, from the status query (same order as monitorSummaries).
		this.publish(
			states.flatMap((r) => {
				const m = byId.get(r.id);
				return m ? [this.aged(m, now)] : [];
			}),
			now
		);
	}

	/** The monitor with `current` as of now: the same object when that has not changed. */
	private aged(m: PublicMonitor, now: Date): PublicMonitor {
		const current = isCurrent(m.lastCheck, slotMs(m.cron, this.o.timeZone), now);
		return m.current === current ? m : { ...m, current };
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
