// Probing from several places. A worker started with a location
// (`npm run worker -- --location eu-1`) probes every slot of every monitor,
// claimed per (monitor, slot, location) so two workers of one location still
// share the work, and stores its pings in location_results (first write
// wins). Then one eval per slot runs over all locations' pings:
//
// - After writing, a worker reads the slot's results and the live locations
//   (heartbeats younger than LIVE_MS). When every live location has reported,
//   it takes the slot's ordinary claim (slot_claims) and, if it won, runs the
//   eval and writes the one check with recordCheck, as without locations.
//   Its own insert commits before its read, so of two locations finishing at
//   once the later read sees both: the set is never complete unseen. Two that
//   both see it complete race for the one claim; recordCheck's first-write-
//   wins is the second fence.
// - Otherwise it waits until the slot's deadline (location-eval.ts) and tries
//   again with whatever has arrived, so a dead location delays a check but
//   never blocks it. Every waiting location does this; the claim picks one.
// - A location arriving after the check was written keeps its row (the chart
//   shows it) but loses the claim: the check is never rewritten.
import type { Db } from '../db/index';
import { errorText, type Logger } from '../log';
import type { ScheduledMonitor } from '../db/queries/monitors';
import { claimSlots } from '../db/queries/claims';
import {
	claimLocationSlots,
	heartbeat,
	locationAges,
	pruneLocationClaims,
	releaseFutureLocationClaims,
	slotResults,
	writeLocationResult
} from '../db/queries/locations';
import { foldLocationResults, pruneLocationHours } from '../db/queries/location-history';
import type { SubmitResult } from './write-buffer';
import type { CheckInput } from '../db/queries/checks';
import { evaluateOrDown, probeOrError, type CheckOutcome, type EvaluateFn, type ProbeFn } from './check';
import { evalDeadline, evalInput, HEARTBEAT_MS, liveOf, readyToEval } from './location-eval';
import type { MaintenanceIndex } from './maintenance';

export interface LocationRunnerOptions {
	db: Db;
	location: string;
	workerId: string;
	probe: ProbeFn;
	evaluate: EvaluateFn;
	log: Logger;
	maintenance: MaintenanceIndex;
	/** The scheduler's write buffer (recordCheck behind it). */
	submit: (c: CheckInput) => Promise<SubmitResult>;
	/** Told about each check this worker wrote (or tried to). */
	onEval?: (e: EvalEvent) => void;
}

/** A slot's eval run here, and what became of its check. */
export interface EvalEvent {
	m: ScheduledMonitor;
	slot: Date;
	due: number;
	outcome: CheckOutcome;
	r: SubmitResult;
	maintenance: boolean;
}

export class LocationRunner {
	readonly stats = { results: 0, lateResults: 0, evals: 0, evalsElsewhere: 0 };
	private timers = new Set<NodeJS.Timeout>();
	private beat: NodeJS.Timeout | null = null;
	private pending = new Set<Promise<unknown>>();
	private stopped = false;

	constructor(private o: LocationRunnerOptions) {}

	async start(): Promise<void> {
		await heartbeat(this.o.db, this.o.location);
		this.beat = setInterval(
			() =>
				void heartbeat(this.o.db, this.o.location).catch((err) => this.o.log.warn('location heartbeat failed', { error: errorText(err) })),
			HEARTBEAT_MS
		);
		this.beat.unref?.();
	}

	/** Claims for this location (the scheduler's batch claim). */
	claim(slots: { monitorId: number; ts: Date }[]): Promise<Set<string>> {
		return claimLocationSlots(this.o.db, slots, this.o.location, this.o.workerId);
	}

	/** Probes one claimed slot from here, stores the pings, and runs the slot's eval if this completes the set. */
	async run(m: ScheduledMonitor, slot: Date, due: number, intervalMs: number): Promise<void> {
		const pings = await probeOrError(m.typeData.hosts, this.o.probe);
		const fresh = await writeLocationResult(this.o.db, { monitorId: m.id, ts: slot, location: this.o.location, pings });
		if (fresh) this.stats.results++;
		const deadline = evalDeadline(due, m.typeData.hosts, intervalMs);
		if (Date.now() > deadline) this.stats.lateResults++;
		// Stopped meanwhile: no timer after stop() cleared them (the slot is left to the other places).
		if ((await this.tryEval(m, slot, due, intervalMs, deadline)) || this.stopped) return;
		const timer = setTimeout(
			() => {
				this.timers.delete(timer);
				this.track(m.tag, this.tryEval(m, slot, due, intervalMs, deadline));
			},
			Math.max(0, deadline - Date.now())
		);
		timer.unref?.();
		this.timers.add(timer);
	}

	private track(tag: string, p: Promise<unknown>) {
		const t = p
			.catch((err) => this.o.log.error(`monitor ${tag}: location eval failed`, { error: errorText(err) }))
			.finally(() => this.pending.delete(t));
		this.pending.add(t);
	}

	/** true when the slot is settled (evaluated here or claimed by another); false: wait for the deadline. */
	private async tryEval(m: ScheduledMonitor, slot: Date, due: number, intervalMs: number, deadline: number): Promise<boolean> {
		if (this.stopped) return true;
		const [results, ages] = await Promise.all([slotResults(this.o.db, m.id, slot), locationAges(this.o.db)]);
		const reported = results.map((r) => r.location);
		if (!readyToEval(reported, liveOf(ages), Date.now(), deadline)) return false;
		const won = await claimSlots(this.o.db, [{ monitorId: m.id, ts: slot }], this.o.workerId);
		if (!won.has(`${m.id}@${slot.getTime()}`)) {
			this.stats.evalsElsewhere++;
			return true;
		}
		const pings = evalInput(results);
		const t0 = performance.now();
		const result = await evaluateOrDown(m.evalSource, pings, this.o.evaluate, {
			key: `monitor:${m.id}`,
			deadline: Math.max(due + intervalMs, Date.now() + 1000)
		});
		const outcome: CheckOutcome = { pings, result, probeMs: 0, evalMs: performance.now() - t0 };
		this.stats.evals++;
		const { maintenance, status, error } = this.o.maintenance.recorded(m.id, slot, outcome);
		const r = await this.o.submit({ monitorId: m.id, ts: slot, status, latency: result.latency, pings, error });
		// The scheduler's emit, which guards its own listener.
		this.o.onEval?.({ m, slot, due, outcome, r, maintenance });
		return true;
	}

	/** Stops waiting for deadlines (their slots are left to the other locations) and gives back claims ahead. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.beat) clearInterval(this.beat);
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		await Promise.allSettled([...this.pending]);
		await releaseFutureLocationClaims(this.o.db, this.o.workerId).catch(() => {});
	}

	/** The scheduler's hourly job: raw location rows older than a day into hours, hours past retention out. */
	async prune(retentionDays: number): Promise<void> {
		await pruneLocationClaims(this.o.db, new Date(Date.now() - 86_400_000));
		const folded = await foldLocationResults(this.o.db);
		const dropped = await pruneLocationHours(this.o.db, retentionDays);
		if (folded || dropped) this.o.log.info(`locations: folded ${folded} results into hours, removed ${dropped} old hours`);
	}
}
