// Which eval code runs where, so that hostile functions (infinite loops,
// memory bombs, builtins that ignore the interrupt handler) cannot delay
// healthy ones: three worker pools ("lanes", see pool.ts) and a record of
// misbehaviour per monitor (or per source, for calls without a key).
//
// - Main lane (EVAL_WORKERS threads): only code with a clean run on record.
// - Probation lane (EVAL_WORKERS threads and a started spare, at a lower CPU
//   priority on Linux): code without one yet (new, edited, or after a
//   restart), so a burst of new hostile code never queues in front of
//   known-good functions nor takes their CPU. Both lanes hold code to a short
//   limit (suspectAfterMs, default 100 ms; the spec's examples take about
//   1 ms) with a short watchdog grace. On Linux the short limit is CPU time,
//   within the full EVAL_TIMEOUT_MS of wall time: a healthy function that
//   waits for a core on a busy machine has not overrun (see cpu.ts). This file
//   only chooses the limits; the worker enforces them (deadline.ts), and the
//   pool's watchdog (pool.ts) terminates a worker that stops answering.
// - A function that runs into a limit (memory, a sandbox crash, or the full
//   time limit: the result's `fault`) becomes a suspect. One that overran the
//   short limit is run again at once in the quarantine lane with the full
//   limit (an eval is a pure function of its pings, so a second run is safe)
//   and that run decides: a fault or a slow run makes it a suspect (a slow
//   but honest function still gets its own answer), a fast clean run was a
//   false alarm (a busy machine delayed it) and changes nothing. Code with a
//   clean record goes first in the quarantine lane for that re-run. From
//   then on a suspect runs only in the quarantine lane: the main and
//   probation lanes never receive a suspect's task.
// - Quarantine lane (quarantineWorkers threads, default 1, at a still lower
//   CPU priority on Linux), with a bounded queue. Suspects whose last run was
//   clean go first (and may use extra queue room). A suspect's evaluation is
//   answered at once with DOWN and an error starting "eval quarantined:"
//   when its previous evaluation is still in flight, when the lane's queue
//   is full, or while it backs off after repeated faults (after 1, 2, 3, 4+
//   faulty checks in a row it runs every 1st, 2nd, 4th, 8th check), so a
//   crowd of hostile functions cannot keep a core busy or make a check wait
//   without bound. Every call gets exactly one answer.
// - Deadline: an evaluation given one (the scheduler: before the monitor's
//   next check is due) is not started in a lane where it could not end by
//   then; it is answered DOWN "eval could not start in time..." (`notRun`,
//   nothing learnt about the code), so no slot is left without its row.
// - Forgiveness: after forgiveAfter consecutive clean runs that each stayed
//   within the short limit, or as soon as the code changes (a record holds a
//   hash of the source it judged), a suspect leaves quarantine (back to the
//   main lane, or to probation for new code). Code that is clean but always
//   slower than the short limit stays in quarantine, where it still gets
//   the full limit.
//
// Records live in this process's memory, least recently used dropped beyond
// MAX_RECORDS; a restart forgets them: every function is on probation again,
// and each hostile one costs the probation lane its short limit once more.

import { createHash } from 'node:crypto';
import { EvalPool, EVAL_DEFAULTS, type EvalConfig, type EvalOptions, type SyntaxCheck } from './pool';
import type { EvalResult, Ping } from '../types';

export interface LanesConfig extends EvalConfig {
	/** Worker threads in the quarantine lane (default 1). */
	quarantineWorkers?: number;
	/** Evaluations that may wait in the quarantine lane's queue (default: one per quarantine worker). */
	quarantineQueue?: number;
	/** Time limit in the main and probation lanes; code that overruns it is quarantined (default 100). */
	suspectAfterMs?: number;
	/** Consecutive clean, fast runs that take a suspect out of quarantine (default 10). */
	forgiveAfter?: number;
	/** A repeat offender runs at least every this many checks (default 8). */
	maxBackoff?: number;
}

export interface LaneEvalOptions extends EvalOptions {
	/** Whose record this evaluation counts towards, e.g. "monitor:12"; default: a hash of the source. */
	key?: string;
	/**
	 * When the answer is needed by (epoch ms; the scheduler: before the next
	 * check is due). An evaluation that could not end by then is not started:
	 * DOWN with `notRun`, never a slot left without its row.
	 */
	deadline?: number;
}

interface LaneSettings {
	quarantineWorkers: number;
	quarantineQueue: number;
	suspectAfterMs: number;
	forgiveAfter: number;
	maxBackoff: number;
}

/** A key entering or leaving quarantine (for the log). */
export type LaneChange = { key: string; change: 'suspected'; error: string; durationMs: number } | { key: string; change: 'forgiven' };

export const LANE_DEFAULTS: Readonly<LaneSettings> = Object.freeze({
	quarantineWorkers: 1,
	quarantineQueue: 1,
	suspectAfterMs: 100,
	forgiveAfter: 10,
	maxBackoff: 8
});

/**
 * Idle started threads the probation lane keeps: a first offence that must
 * be terminated (a memory bomb, a builtin that ignores the interrupt handler)
 * then costs it no start-up time.
 */
const PROBATION_SPARES = 1;
/** Untried code yields the CPU to known-good code (Linux; see eval/worker.ts). */
const PROBATION_NICE = 5;

/** The quarantine lane's threads yield the CPU to everything else (Linux; see eval/worker.ts). */
const QUARANTINE_NICE = 10;

/** Records kept (least recently used dropped first): far more than the monitors of one install. */
const MAX_RECORDS = 100_000;

interface Record {
	/** Hash of the source this record judged: other code starts a fresh record. */
	hash: string;
	suspect: boolean;
	/** Consecutive clean runs within the short limit. */
	clean: number;
	/** Consecutive checks whose evaluation hit a limit. */
	faults: number;
	/** Checks still to answer at once (backoff). */
	skip: number;
	/** This key's evaluations queued or running in the quarantine lane. */
	inFlight: number;
	/** The last fault's error, quoted in quarantine answers. */
	lastError: string;
}

function positive(v: unknown, fallback: number): number {
	return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

function quarantined(reason: string): EvalResult {
	return { status: 'DOWN', latency: 0, error: `eval quarantined: ${reason}`, notRun: true, durationMs: 0 };
}

export class EvalLanes {
	readonly main: EvalPool;
	readonly probation: EvalPool;
	readonly quarantine: EvalPool;
	#lane: LaneSettings = { ...LANE_DEFAULTS };
	#graceMs: number = EVAL_DEFAULTS.graceMs;
	#records = new Map<string, Record>();
	/** For diagnostics and the bench. */
	readonly stats = {
		/** Functions that became suspects. */
		suspected: 0,
		/** Suspects taken out of quarantine. */
		forgiven: 0,
		/** Overruns of the short limit run again in quarantine. */
		retried: 0,
		/** Of those, runs that were clean and fast the second time: not quarantined. */
		falseAlarms: 0,
		/** Evaluations answered at once, without running ("eval quarantined: ..."). */
		refused: 0
	};
	/** Told when a key is quarantined or forgiven; must not throw. */
	onChange: ((c: LaneChange) => void) | undefined;

	/** `pools` replaces the lanes' pools (tests: a fake worker standing in for a busy machine). */
	constructor(config: LanesConfig = {}, pools: { main?: EvalPool; probation?: EvalPool; quarantine?: EvalPool } = {}) {
		this.main = pools.main ?? new EvalPool();
		this.probation = pools.probation ?? new EvalPool();
		this.quarantine = pools.quarantine ?? new EvalPool();
		this.configure(config);
	}

	/** Change limits and lane sizes; applies to evaluations from now on. */
	configure(config: LanesConfig): void {
		const l = this.#lane;
		l.quarantineWorkers = Math.max(1, Math.floor(positive(config.quarantineWorkers, l.quarantineWorkers)));
		const queue = config.quarantineQueue;
		if (typeof queue === 'number' && Number.isInteger(queue) && queue >= 0) l.quarantineQueue = queue;
		else if (config.quarantineWorkers !== undefined) l.quarantineQueue = l.quarantineWorkers;
		l.suspectAfterMs = positive(config.suspectAfterMs, l.suspectAfterMs);
		l.forgiveAfter = Math.max(1, Math.floor(positive(config.forgiveAfter, l.forgiveAfter)));
		l.maxBackoff = Math.max(1, Math.floor(positive(config.maxBackoff, l.maxBackoff)));
		if (typeof config.graceMs === 'number' && config.graceMs >= 0) this.#graceMs = config.graceMs;
		const shared = { timeoutMs: config.timeoutMs, memoryMb: config.memoryMb, url: config.url };
		// The short limit's watchdog grace is short too: a stall costs little.
		const graceMs = Math.min(this.#graceMs, l.suspectAfterMs);
		this.main.configure({ ...shared, name: 'main', workers: config.workers, graceMs });
		this.probation.configure({
			...shared,
			name: 'probation',
			workers: config.workers,
			graceMs,
			spares: PROBATION_SPARES,
			nice: PROBATION_NICE
		});
		this.quarantine.configure({
			...shared,
			name: 'quarantine',
			workers: l.quarantineWorkers,
			graceMs: this.#graceMs,
			nice: QUARANTINE_NICE
		});
	}

	get config(): Readonly<LaneSettings & { workers: number; timeoutMs: number; memoryMb: number; graceMs: number }> {
		const { workers, timeoutMs, memoryMb } = this.main.config;
		return { ...this.#lane, workers, timeoutMs, memoryMb, graceMs: this.#graceMs };
	}

	/** Keys currently quarantined. */
	get suspects(): number {
		let n = 0;
		for (const r of this.#records.values()) if (r.suspect) n++;
		return n;
	}

	/** Whether this code (under this key) would run in the quarantine lane now. */
	isSuspect(source: string | null, key?: string): boolean {
		const hash = hashSource(source);
		const r = this.#records.get(key ?? `source:${hash}`);
		return !!r && r.hash === hash && r.suspect;
	}

	/**
	 * Evaluate in the lane this code's record calls for. Never rejects;
	 * `durationMs` excludes time spent queued (0 when answered at once).
	 */
	async evaluate(source: string | null | undefined, pings: Ping[], opts: LaneEvalOptions = {}): Promise<EvalResult> {
		const limits = {
			timeoutMs: positive(opts.timeoutMs, this.main.config.timeoutMs),
			memoryMb: positive(opts.memoryMb, this.main.config.memoryMb)
		};
		// Not code at all: the pool answers DOWN at once, there is nothing to judge.
		if (source != null && typeof source !== 'string') return this.main.evaluate(source, pings, limits);
		const hash = hashSource(source ?? null);
		const key = opts.key ?? `source:${hash}`;
		const rec = this.#record(key, hash);
		const deadline = typeof opts.deadline === 'number' && Number.isFinite(opts.deadline) ? opts.deadline : undefined;
		/** The latest start in a lane that lets a run of `ms` (and its watchdog) end by the deadline. */
		const startBy = (pool: EvalPool, ms: number) => (deadline === undefined ? undefined : deadline - ms - pool.config.graceMs);
		if (rec.suspect) {
			if (rec.inFlight > 0) {
				return this.#refuse(`its previous evaluation is still running (last fault: ${rec.lastError})`);
			}
			if (rec.skip > 0) {
				rec.skip--;
				const every = Math.min(2 ** (rec.faults - 1), this.#lane.maxBackoff);
				return this.#refuse(
					`${rec.faults} checks in a row hit a limit (last: ${rec.lastError}); it runs once every ${every} checks until one is clean`
				);
			}
			// A suspect whose last run was clean (slow, or on probation) goes before repeat offenders.
			const r = await this.#quarantined(rec, source, pings, limits, rec.faults === 0, startBy(this.quarantine, limits.timeoutMs));
			if (!r) return this.#refuse(`the quarantine lane is full (last fault: ${rec.lastError})`);
			return r.notRun ? r : this.#judged(key, rec, r);
		}

		const short = Math.min(this.#lane.suspectAfterMs, limits.timeoutMs);
		const proven = rec.clean > 0;
		const lane = proven ? this.main : this.probation;
		// The short limit is CPU time (Linux), within the full limit's wall time: waiting for a core is not an overrun.
		const r = await lane.evaluate(source, pings, {
			...limits,
			timeoutMs: short,
			wallMs: limits.timeoutMs,
			startBy: startBy(lane, limits.timeoutMs)
		});
		if (r.notRun) return r;
		if (!r.fault) {
			rec.clean++;
			return r;
		}
		if (r.fault !== 'time' || short >= limits.timeoutMs) {
			// Memory, a crash, or the full time limit: the answer is final.
			this.#suspect(key, rec, r);
			return this.#judged(key, rec, r);
		}
		// It overran the short limit: run it again with the full limit in the
		// quarantine lane, where it delays no one; that run decides. A busy
		// machine can push a healthy evaluation past the short limit, so code
		// with a clean record goes first there and may use extra queue room.
		this.stats.retried++;
		const again = await this.#quarantined(rec, source, pings, limits, proven, startBy(this.quarantine, limits.timeoutMs));
		if (!again || again.notRun) {
			this.#suspect(key, rec, r);
			return again ?? this.#refuse(`it ran over ${short} ms and the quarantine lane is full`);
		}
		if (!again.fault && fast(again, short)) {
			// Fast this time, on the same input: a one-off, not the code's doing.
			this.stats.falseAlarms++;
			rec.clean++;
			return again;
		}
		this.#suspect(key, rec, again.fault ? again : r);
		return this.#judged(key, rec, again);
	}

	/** Compile without running (untried code: the probation lane). */
	checkSyntax(source: string | null | undefined): Promise<SyntaxCheck> {
		return this.probation.checkSyntax(source);
	}

	/** Stop every lane (queued and running evaluations resolve DOWN); records are kept. */
	async stop(): Promise<void> {
		await Promise.all([this.main.stop(), this.probation.stop(), this.quarantine.stop()]);
	}

	/** Run in the quarantine lane; null (at once) when its queue has no room. */
	#quarantined(
		rec: Record,
		source: string | null | undefined,
		pings: Ping[],
		limits: { timeoutMs: number; memoryMb: number },
		urgent: boolean,
		startBy: number | undefined
	): Promise<EvalResult> | null {
		const room = this.#lane.quarantineQueue * (urgent ? 2 : 1);
		if (this.quarantine.queued >= room) return null;
		rec.inFlight++;
		return this.quarantine.evaluate(source, pings, { ...limits, urgent, startBy }).finally(() => rec.inFlight--);
	}

	#suspect(key: string, rec: Record, r: EvalResult): void {
		rec.suspect = true;
		rec.clean = 0;
		rec.lastError = r.error ?? r.fault ?? '';
		this.stats.suspected++;
		this.#tell({ key, change: 'suspected', error: rec.lastError, durationMs: r.durationMs });
	}

	/** Update a suspect's record with the outcome of a check that ran. */
	#judged(key: string, rec: Record, r: EvalResult): EvalResult {
		if (r.fault) {
			rec.faults++;
			rec.clean = 0;
			rec.lastError = r.error ?? r.fault;
			rec.skip = Math.min(2 ** (rec.faults - 1), this.#lane.maxBackoff) - 1;
			return r;
		}
		rec.faults = 0;
		rec.skip = 0;
		rec.clean = fast(r, this.#lane.suspectAfterMs) ? rec.clean + 1 : 0;
		if (rec.clean >= this.#lane.forgiveAfter) {
			rec.suspect = false;
			this.stats.forgiven++;
			this.#tell({ key, change: 'forgiven' });
		}
		return r;
	}

	#refuse(reason: string): EvalResult {
		this.stats.refused++;
		return quarantined(reason);
	}

	#tell(c: LaneChange): void {
		try {
			this.onChange?.(c);
		} catch {
			/* a listener's failure is not the evaluation's */
		}
	}

	/** This key's record (a fresh one if the code changed), marked most recently used. */
	#record(k: string, hash: string): Record {
		let rec = this.#records.get(k);
		this.#records.delete(k);
		if (!rec || rec.hash !== hash) {
			rec = { hash, suspect: false, clean: 0, faults: 0, skip: 0, inFlight: 0, lastError: '' };
			if (this.#records.size >= MAX_RECORDS) {
				const oldest = this.#records.keys().next().value;
				if (oldest !== undefined) this.#records.delete(oldest);
			}
		}
		this.#records.set(k, rec);
		return rec;
	}
}

/** Within the short limit: by CPU time where the sandbox measured it (a busy machine stretches wall time). */
function fast(r: EvalResult, limitMs: number): boolean {
	return (r.cpuMs ?? r.durationMs) <= limitMs;
}

function hashSource(source: string | null): string {
	return source === null ? 'default' : createHash('sha256').update(source).digest('base64url');
}
