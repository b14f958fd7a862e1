// The probe loop. Each active monitor fires on its cron slots; a check is
// keyed by its scheduled slot (not by when it ran), so a restart or a second
// writer can never record a slot twice. Starts are spread across the slot by
// a fixed per-monitor offset: thousands of simultaneous connects would measure
// the event loop's queue, not the network.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { recordCheck, type AfterCheck, type CheckInput } from '../db/queries/checks';
import { alertOnCheck } from '../alerts/record';
import { compactChecks, pruneChecks } from '../db/queries/compaction';
import { claimSlots, pruneClaims, releaseFutureClaims } from '../db/queries/claims';
import { listActiveMonitors, monitorsFingerprint, type ScheduledMonitor } from '../db/queries/monitors';
import { WriteBuffer, isTransientDbError, within, type SubmitResult } from './write-buffer';
import type { Db } from '../db/index';
import { errorText, type Logger } from '../log';
import { checkCron, nextSlot } from '../monitors/cron';
import { runCheck, type CheckOutcome, type EvaluateFn, type ProbeFn } from './check';
import { MaintenanceIndex } from './maintenance';
import { LocationRunner, type EvalEvent } from './locations';
import { defaultSpreadMs, startOffsetMs } from './spread';

export interface CheckEvent {
	monitorId: number;
	tag: string;
	slot: Date;
	/** Planned start (slot + spread offset), epoch ms. */
	due: number;
	startedAt: number;
	finishedAt: number;
	outcome: CheckOutcome;
	/** false when the slot was already recorded (by a restart or another worker). */
	written: boolean;
	/** Held in the outage buffer, to be written when the database returns. */
	buffered: boolean;
	/** The slot fell in a maintenance window of the monitor: recorded as MAINTENANCE. */
	maintenance: boolean;
}

export interface SchedulerOptions {
	db: Db;
	probe: ProbeFn;
	evaluate: EvaluateFn;
	timeZone: string;
	log: Logger;
	/** How often to look for monitor changes (ms). */
	refreshMs?: number;
	/** Spread window for a monitor with the given interval; default min(interval/2, 30 s). 0 disables. */
	spreadMs?: (intervalMs: number) => number;
	retentionDays?: number;
	pruneEveryMs?: number;
	/** Minutes of results held while the database is unreachable (default 60). */
	bufferMinutes?: number;
	/** Identifies this loop in slot claims (default host:pid:random). */
	workerId?: string;
	/** How long to wait before retrying buffered writes (ms). */
	retryMs?: number;
	onCheck?: (e: CheckEvent) => void;
	/** Runs in each new check's transaction; default the alert step (alerts/record.ts), null for none. */
	afterCheck?: AfterCheck | null;
	/** Probe from this named place: every slot here, one eval per slot over all places (probe/locations.ts). */
	location?: string;
	/** Called once a check whose afterCheck queued alert messages has committed: wakes the sender. */
	onAlertsQueued?: () => void;
}

interface Entry {
	m: ScheduledMonitor;
	intervalMs: number;
	offsetMs: number;
	timer: NodeJS.Timeout | null;
	lastSlot: number;
	running: Promise<void> | null;
	/**
	 * The claim on the armed slot, made when it is armed, so that the database
	 * round trip is off the probe's start: true = ours, false = another
	 * worker's, null = database unreachable (probe anyway).
	 */
	claim: { slot: number; won: Promise<boolean | null> } | null;
}

/**
 * Time kept, before the next check is due, for writing this one's result:
 * a second, or a fifth of the interval if that is more (a busy database on a
 * loaded machine took up to a second per write in bench/hostile.ts --every 10).
 */
const writeSlackMs = (intervalMs: number) => Math.max(1000, intervalMs / 5);

/** How long a claim on a slot still far ahead waits to share a statement with others (see claim()). */
const CLAIM_BATCH_MS = 1000;

// setTimeout overflows past 2^31-1 ms; longer waits re-arm in steps.
const MAX_TIMER = 2 ** 30;

export class Scheduler {
	private entries = new Map<number, Entry>();
	private fingerprint = '';
	private refreshTimer: NodeJS.Timeout | null = null;
	private pruneTimer: NodeJS.Timeout | null = null;
	private refreshing: Promise<void> | null = null;
	private stopped = true;
	readonly stats = {
		checks: 0,
		written: 0,
		duplicates: 0,
		/** Slots another worker claimed first. */
		claimedElsewhere: 0,
		skippedOverlap: 0,
		/** Results the database refused for good (e.g. the monitor was deleted meanwhile). */
		writeErrors: 0
	};
	readonly workerId: string;
	readonly buffer: WriteBuffer;
	readonly maintenance = new MaintenanceIndex();
	/** With a location: this place's probes and the slots' shared eval. */
	readonly locations: LocationRunner | null = null;

	constructor(private o: SchedulerOptions) {
		this.workerId = o.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
		const afterCheck = o.afterCheck === undefined ? alertOnCheck() : (o.afterCheck ?? undefined);
		this.buffer = new WriteBuffer({
			// Buffered writes (after a database outage) come through here too.
			write: async (c) => {
				let queued = false;
				const hook: AfterCheck | undefined = afterCheck && (async (tx, i) => void (queued = (await afterCheck(tx, i)) === true));
				const inserted = await recordCheck(o.db, c, o.timeZone, hook);
				// recordCheck has returned: the transaction committed, the rows are visible.
				if (queued) o.onAlertsQueued?.();
				return inserted;
			},
			capacity: () => this.bufferCapacity(),
			log: o.log,
			retryMs: o.retryMs
		});
		if (o.location) {
			const submit = (c: CheckInput) => this.buffer.submit(c);
			const onEval = ({ m, r, ...e }: EvalEvent) => this.emit(m, r, { ...e, startedAt: Date.now() });
			this.locations = new LocationRunner({
				...o,
				location: o.location,
				workerId: this.workerId,
				maintenance: this.maintenance,
				submit,
				onEval
			});
		}
	}

	private capacity = 100;

	/** One `bufferMinutes` worth of checks of every scheduled monitor (computed at refresh, kept through stop). */
	private bufferCapacity(): number {
		return this.capacity;
	}

	private updateCapacity() {
		const ms = (this.o.bufferMinutes ?? 60) * 60_000;
		let n = 0;
		for (const e of this.entries.values()) n += Math.ceil(ms / e.intervalMs);
		this.capacity = Math.max(n, 100);
	}

	async start(): Promise<void> {
		if (!this.stopped) return;
		this.stopped = false;
		await this.locations?.start();
		await this.refresh();
		const every = this.o.refreshMs ?? 5000;
		this.refreshTimer = setInterval(() => void this.refresh(), every);
		this.refreshTimer.unref?.();
		const prune = this.o.pruneEveryMs ?? 3_600_000;
		if (this.o.retentionDays) {
			this.pruneTimer = setInterval(() => void this.prune(), prune);
			this.pruneTimer.unref?.();
			void this.prune();
		}
	}

	/** Stops scheduling and waits (bounded) for checks in flight to be written. */
	async stop(waitMs = 10_000): Promise<void> {
		this.stopped = true;
		if (this.refreshTimer) clearInterval(this.refreshTimer);
		if (this.pruneTimer) clearInterval(this.pruneTimer);
		const running = [...this.entries.values()].map((e) => e.running).filter(Boolean);
		for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
		// Claims still waiting for their batch are made now, before releaseFutureClaims
		// below: made after it, they would hold slots a restart must be able to take.
		if (this.claimTimer) clearTimeout(this.claimTimer);
		const claimed = this.flushClaims();
		this.entries.clear();
		this.fingerprint = ''; // a later start() must load the monitors again
		await Promise.race([Promise.allSettled([...running, claimed]), new Promise((r) => setTimeout(r, waitMs).unref?.())]);
		await this.refreshing?.catch(() => {});
		await releaseFutureClaims(this.o.db, this.workerId).catch(() => {});
		await this.locations?.stop();
		const left = await this.buffer.drain(waitMs);
		if (left) this.o.log.error(`stopping with ${left} results not written: the database is unreachable`);
	}

	get monitorCount(): number {
		return this.entries.size;
	}

	/** Re-reads monitors when the table changed; call after an edit to apply it at once. */
	refresh(force = false): Promise<void> {
		if (this.refreshing) return this.refreshing;
		this.refreshing = this.doRefresh(force)
			.catch((err) => this.o.log.warn('could not refresh monitors', { error: errorText(err) }))
			.finally(() => (this.refreshing = null));
		return this.refreshing;
	}

	private async doRefresh(force: boolean) {
		// Windows first: a monitor refresh below may fire a slot at once.
		await this.maintenance
			.refresh(this.o.db)
			.catch((err) => this.o.log.warn('could not read maintenance windows', { error: errorText(err) }));
		const fp = await monitorsFingerprint(this.o.db);
		if (!force && fp === this.fingerprint) return;
		const list = await listActiveMonitors(this.o.db);
		if (this.stopped) return;
		this.fingerprint = fp;
		const seen = new Set<number>();
		for (const m of list) {
			seen.add(m.id);
			const old = this.entries.get(m.id);
			if (old && old.m.updatedAt.getTime() === m.updatedAt.getTime()) continue;
			if (old?.timer) clearTimeout(old.timer);
			const cron = checkCron(m.cron, this.o.timeZone);
			if (!cron.ok) {
				// Validation keeps bad schedules out; one that slips in is logged, not fatal.
				this.o.log.error(`monitor ${m.tag}: ${cron.error}; not scheduled`);
				this.entries.delete(m.id);
				continue;
			}
			const spread = (this.o.spreadMs ?? defaultSpreadMs)(cron.intervalMs);
			const entry: Entry = {
				m,
				intervalMs: cron.intervalMs,
				offsetMs: startOffsetMs(m.id, spread),
				timer: null,
				lastSlot: old?.lastSlot ?? 0,
				running: old?.running ?? null,
				claim: null
			};
			this.entries.set(m.id, entry);
			this.arm(entry);
		}
		for (const [id, e] of this.entries) {
			if (!seen.has(id)) {
				if (e.timer) clearTimeout(e.timer);
				this.entries.delete(id);
			}
		}
		this.updateCapacity();
	}

	private arm(e: Entry) {
		if (this.stopped) return;
		// The next slot whose planned start (slot + offset) is still ahead.
		const after = new Date(Math.max(Date.now() - e.offsetMs, e.lastSlot));
		const slot = nextSlot(e.m.cron, after, this.o.timeZone);
		if (!slot) return;
		const due = slot.getTime() + e.offsetMs;
		const wait = due - Date.now();
		if (wait > MAX_TIMER) {
			e.timer = setTimeout(() => this.arm(e), MAX_TIMER);
			return;
		}
		e.claim = { slot: slot.getTime(), won: this.claim(e.m, slot, due) };
		e.timer = setTimeout(() => this.fire(e, slot, due), Math.max(0, wait));
	}

	private pendingClaims: { m: ScheduledMonitor; slot: Date; resolve: (won: boolean | null) => void }[] = [];
	private claimTimer: NodeJS.Timeout | null = null;
	private claimAt = 0;

	/**
	 * Claims go to the database as one statement per batch. A slot is armed
	 * (and claimed) as the previous one fires, usually a whole interval ahead,
	 * so such claims wait up to CLAIM_BATCH_MS for others: checks spread over
	 * the minute then cost a few claim statements, not one each, which
	 * keeps idle CPU down. A slot due sooner than CLAIM_BATCH_MS × 10 is claimed within 5 ms.
	 */
	private claim(m: ScheduledMonitor, slot: Date, due?: number): Promise<boolean | null> {
		return new Promise((resolve) => {
			this.pendingClaims.push({ m, slot, resolve });
			const now = Date.now();
			const at = now + (due !== undefined && due - now >= CLAIM_BATCH_MS * 10 ? CLAIM_BATCH_MS : 5);
			if (this.claimTimer && this.claimAt <= at) return;
			if (this.claimTimer) clearTimeout(this.claimTimer);
			this.claimAt = at;
			this.claimTimer = setTimeout(() => void this.flushClaims(), at - now);
		});
	}

	private async flushClaims() {
		this.claimTimer = null;
		const batch = this.pendingClaims.splice(0, this.pendingClaims.length);
		for (let i = 0; i < batch.length; i += 500) {
			const part = batch.slice(i, i + 500);
			try {
				const slots = part.map((c) => ({ monitorId: c.m.id, ts: c.slot }));
				const claims = this.locations ? this.locations.claim(slots) : claimSlots(this.o.db, slots, this.workerId);
				const won = await within(claims, 10_000, 'slot claim');
				for (const c of part) c.resolve(won.has(`${c.m.id}@${c.slot.getTime()}`));
			} catch (err) {
				// No database, no coordination: probe anyway and let the buffer hold
				// the result; the slot upsert keeps a second worker's copy out.
				const transient = isTransientDbError(err);
				if (!transient) this.o.log.error('could not claim slots', { error: errorText(err) });
				for (const c of part) c.resolve(transient ? null : false);
			}
		}
	}

	private fire(e: Entry, slot: Date, due: number) {
		if (this.stopped || this.entries.get(e.m.id) !== e) return;
		const claim = e.claim?.slot === slot.getTime() ? e.claim.won : this.claim(e.m, slot);
		e.lastSlot = slot.getTime();
		e.timer = null;
		this.arm(e);
		if (e.running) {
			// A slow check never overlaps the next run of the same monitor: this slot stays empty (no data).
			this.stats.skippedOverlap++;
			this.o.log.warn(`monitor ${e.m.tag}: previous check still running, slot ${slot.toISOString()} skipped`);
			return;
		}
		const running: Promise<void> = this.execute(e.m, slot, due, e.intervalMs, claim)
			.catch((err) => this.o.log.error(`monitor ${e.m.tag}: check failed`, { error: String(err?.message ?? err) }))
			.finally(() => {
				// An edit saved meanwhile replaced the entry and carried this promise over
				// (reload): clear it there too, or the monitor would skip every slot after.
				const current = this.entries.get(e.m.id);
				if (current?.running === running) current.running = null;
				if (e.running === running) e.running = null;
			});
		e.running = running;
	}

	private async execute(m: ScheduledMonitor, slot: Date, due: number, intervalMs: number, claim: Promise<boolean | null>) {
		if ((await claim) === false) {
			this.stats.claimedElsewhere++;
			return;
		}
		if (this.locations) return this.locations.run(m, slot, due, intervalMs);
		const startedAt = Date.now();
		// Keyed by monitor: a hostile eval is quarantined without touching other monitors' code.
		// The eval answers before the next check is due (its shortest gap), so a
		// busy sandbox costs this slot a DOWN with its cause, never the next slot.
		const outcome = await runCheck(m.typeData.hosts, m.evalSource, this.o, {
			key: `monitor:${m.id}`,
			deadline: due + intervalMs - writeSlackMs(intervalMs)
		});
		this.stats.checks++;
		const { maintenance, status, error } = this.maintenance.recorded(m.id, slot, outcome);
		const r = await this.buffer.submit({
			monitorId: m.id,
			ts: slot,
			status,
			latency: outcome.result.latency,
			pings: outcome.pings,
			error
		});
		this.emit(m, r, { slot, due, startedAt, outcome, maintenance });
	}

	private emit(m: ScheduledMonitor, r: SubmitResult, e: Pick<CheckEvent, 'slot' | 'due' | 'startedAt' | 'outcome' | 'maintenance'>) {
		if (r === 'written') this.stats.written++;
		else if (r === 'duplicate') this.stats.duplicates++;
		else if (r === 'rejected') this.stats.writeErrors++;
		try {
			const written = r === 'written';
			this.o.onCheck?.({ monitorId: m.id, tag: m.tag, ...e, finishedAt: Date.now(), written, buffered: r === 'buffered' });
		} catch (err) {
			this.o.log.warn('onCheck listener failed', { error: String(err) });
		}
	}

	private async prune() {
		try {
			const n = await pruneChecks(this.o.db, this.o.retentionDays ?? 90);
			await pruneClaims(this.o.db, new Date(Date.now() - 86_400_000));
			await this.locations?.prune(this.o.retentionDays ?? 90);
			if (n) this.o.log.info(`retention: removed ${n} checks older than ${this.o.retentionDays} days`);
		} catch (err) {
			this.o.log.warn('retention job failed', { error: errorText(err) });
		}
		try {
			// Closed hours into blocks, one small row an hour. Raw rows stay while a write can
			// still reach them: a buffered result is written up to the buffer's span
			// late, so keep that plus an hour, and never less than 2 h.
			const keepMs = Math.max(2 * 3_600_000, (this.o.bufferMinutes ?? 60) * 60_000 + 3_600_000);
			const r = await compactChecks(this.o.db, { keepMs });
			if (r.checks) this.o.log.info(`compaction: packed ${r.checks} checks into ${r.blocks} hour blocks`);
		} catch (err) {
			this.o.log.warn('compaction failed', { error: errorText(err) });
		}
	}
}
