// The process's running Porthole: config, database, the probe worker and the
// eval sandbox (worker threads it owns and stops), and (unless
// PROBE_WORKER=off) the probe loop. One per process, kept on globalThis (the
// only such holder) so that dev-server module reloads reuse it, threads and
// all, instead of starting a second loop.
import type { Config } from './config';
import { openDatabase, type Database } from './db/index';
import { createLogger, type Logger } from './log';
import { syncMonitorsFile } from './monitors/file';
import { syncChannelsFile } from './alerts/channels-file';
import { Scheduler, type SchedulerOptions } from './probe/scheduler';
import { ProbeWorker } from './probe/pool';
import { EvalSandbox, type LanesConfig } from './eval/sandbox';
import type { Host } from './types';
import { runCheck } from './probe/check';
import { RunNowGate, runNowLimitErrors, type RunNowResult } from './probe/run-now';
import { StatusSnapshot } from './snapshot';
import { Notices } from './notices/cache';
import { Sender, type SenderOptions } from './alerts/sender';

export interface App {
	config: Config;
	database: Database;
	scheduler: Scheduler | null;
	/**
	 * The alert sender: runs where the probe loop runs (null without it). Code
	 * that queues a message outside a check (a channel's test) calls
	 * `sender?.wake()` after its commit; a web-only process has none, and the
	 * worker's safety poll (10 s) picks the row up.
	 */
	sender: Sender | null;
	/** Public monitors in memory, for badges and public JSON. */
	snapshot: StatusSnapshot;
	/** Incidents and maintenance in memory, as visitors see them. */
	notices: Notices;
	log: Logger;
	startedAt: Date;
	/** Run-now requests in flight, against their limits. */
	runNow: RunNowGate;
	/** The probe worker thread: the scheduler's probes and run-now's (started on first use without the loop). */
	probeWorker: ProbeWorker;
	/** The eval sandbox (its worker threads start on first use). */
	eval: EvalSandbox;
}

// The one globalThis holder: `vite dev` reloads this module on an edit, and
// a module-level variable would then start a second app (a second probe loop,
// database pool and shutdown listener) beside the first. Everything else gets
// the app handed to it: event.locals.app in requests, an argument in modules.
const KEY = Symbol.for('porthole.app');
type Holder = { app?: App; starting?: Promise<App>; stopsOnShutdown?: boolean };
const holder: Holder = ((globalThis as Record<symbol, unknown>)[KEY] as Holder) ?? ((globalThis as Record<symbol, unknown>)[KEY] = {});

/** An eval syntax problem as one line, or null. */
export async function evalSyntaxError(sandbox: EvalSandbox, source: string): Promise<string | null> {
	const r = await sandbox.checkSyntax(source);
	return r.ok ? null : r.error;
}

/** The eval sandbox's settings from the config (also used by the benches). */
export function evalSettings(config: Config): LanesConfig {
	return {
		timeoutMs: config.evalTimeoutMs,
		memoryMb: config.evalMemoryMb,
		workers: config.evalWorkers,
		suspectAfterMs: config.evalQuarantineAfterMs,
		quarantineWorkers: config.evalQuarantineWorkers
	};
}

export interface StartOptions {
	/** Start the probe loop (default: config.probeWorker). */
	loop?: boolean;
	scheduler?: Partial<SchedulerOptions>;
	/** Alert sender settings (tests: shorter retries). */
	sender?: Partial<Omit<SenderOptions, 'db' | 'log'>>;
	/** Keep the public snapshot fresh (default true; the standalone worker serves nothing and skips it). */
	snapshot?: boolean;
}

export function startApp(config: Config, opts: StartOptions = {}): Promise<App> {
	if (holder.app) return Promise.resolve(holder.app);
	holder.starting ??= boot(config, opts).then(
		(app) => (holder.app = app),
		(err) => {
			holder.starting = undefined;
			throw err;
		}
	);
	return holder.starting;
}

async function boot(config: Config, opts: StartOptions): Promise<App> {
	const log = createLogger(config.logLevel);
	const database = await openDatabase(
		config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir, embedded: { onLog: (line) => log.warn(line) } }
	);
	log.info(database.driver === 'postgres' ? 'database: PostgreSQL (DATABASE_URL)' : `database: embedded PostgreSQL in ${database.dataDir}`);
	const evalSandbox = new EvalSandbox(evalSettings(config));
	evalSandbox.onChange = (c) =>
		c.change === 'suspected'
			? log.warn(`eval of ${c.key} quarantined: ${c.error}`)
			: log.info(`eval of ${c.key} forgiven: back in the main lane`);
	try {
		// Channels first: monitors name the channels they alert.
		if (config.channelsFile) {
			const r = await syncChannelsFile(database.db, config.channelsFile, config.channelsEnv);
			log.info(
				`channels file ${config.channelsFile}: ${r.created.length} created, ${r.updated.length} updated, ${r.unchanged.length} unchanged` +
					(r.released.length
						? `, ${r.released.length} no longer in the file (kept, now editable in the admin: ${r.released.join(', ')})`
						: '')
			);
		}
		if (config.monitorsFile) {
			const r = await syncMonitorsFile(database.db, config.monitorsFile, (source) => evalSyntaxError(evalSandbox, source));
			log.info(
				`monitors file ${config.monitorsFile}: ${r.created.length} created, ${r.updated.length} updated, ${r.unchanged.length} unchanged`
			);
		}
	} catch (err) {
		await database.close().catch(() => {});
		await evalSandbox.stop();
		throw err;
	}

	// Periodic rebuilds also pick up checks written by a worker in another process (PROBE_WORKER=off).
	const snapshot = new StatusSnapshot({ db: database.db, timeZone: config.siteTimezone, log });
	if (opts.snapshot !== false) await snapshot.start();
	const notices = new Notices({ db: database.db, log });
	if (opts.snapshot !== false) await notices.start();

	const probeWorker = new ProbeWorker({ maxSockets: config.maxSockets });
	let scheduler: Scheduler | null = null;
	let sender: Sender | null = null;
	if (opts.loop ?? config.probeWorker) {
		probeWorker.start();
		// Beside the loop that queues the messages; with several workers on one
		// database each runs one, and row locks share the outbox between them.
		const alerts = new Sender({ db: database.db, log, ...opts.sender });
		sender = alerts;
		scheduler = new Scheduler({
			db: database.db,
			probe: (hosts) => probeWorker.probe(hosts),
			evaluate: evalSandbox.evaluate,
			timeZone: config.siteTimezone,
			log,
			retentionDays: config.retentionDays,
			bufferMinutes: config.outageBufferMinutes,
			location: config.location,
			...opts.scheduler,
			// A committed check queued messages: send them now, not at the next poll.
			onAlertsQueued: () => alerts.wake(),
			onCheck: (e) => {
				snapshot.poke();
				opts.scheduler?.onCheck?.(e);
			}
		});
		await scheduler.start();
		const where = config.location ? ` at location ${config.location}` : '';
		log.info(`probe loop started${where}: ${scheduler.monitorCount} active monitors`);
		alerts.start();
	} else {
		log.info('probe loop off (PROBE_WORKER=off): serving pages only');
	}
	return {
		config,
		database,
		scheduler,
		sender,
		snapshot,
		notices,
		log,
		startedAt: new Date(),
		runNow: new RunNowGate(),
		probeWorker,
		eval: evalSandbox
	};
}

/** Stops the app when SvelteKit's server shuts down; one listener per process however often init runs. */
export function stopAppOnShutdown(): void {
	if (holder.stopsOnShutdown) return;
	holder.stopsOnShutdown = true;
	process.once('sveltekit:shutdown', () => void stopApp());
}

export async function stopApp(): Promise<void> {
	const app = holder.app ?? (await holder.starting?.catch(() => undefined));
	holder.app = undefined;
	holder.starting = undefined;
	if (!app) return;
	await app.scheduler?.stop();
	await app.sender?.stop();
	app.snapshot.stop();
	app.notices.stop();
	await app.probeWorker.stop();
	await app.eval.stop();
	await app.database.close();
	app.log.info('stopped');
}

/**
 * Probes hosts and runs an eval now without saving anything (run-now: editor
 * and API), within run-now's limits (probe/run-now.ts): too many hosts or too
 * long a timeout is refused (400), and so is a caller or a process with too
 * many run-now requests going already (429). The probes use the worker's
 * on-demand socket budget, never the scheduler's.
 */
/** What run-now needs of the app. */
export type RunNowApp = Pick<App, 'config' | 'runNow' | 'probeWorker' | 'eval'>;

export async function checkNow(app: RunNowApp, hosts: Host[], evalSource: string | null, caller: string): Promise<RunNowResult> {
	const errors = runNowLimitErrors(hosts);
	if (errors.length) return { ok: false, status: 400, errors };
	const longest = Math.max(0, ...hosts.map((h) => h.timeout));
	const admitted = app.runNow.enter(caller, longest + app.config.evalTimeoutMs);
	if (!admitted.ok) return { ok: false, status: 429, error: admitted.error, retryAfterS: admitted.retryAfterS };
	try {
		const probe = (h: Host[]) => app.probeWorker.probe(h, { lane: 'ondemand' });
		return { ok: true, outcome: await runCheck(hosts, evalSource, { probe, evaluate: app.eval.evaluate }) };
	} finally {
		admitted.release();
	}
}

/** checkNow on behalf of `caller` (runNowCaller: admin, API key or address), for its per-caller limit. */
export const runNowAs =
	(app: RunNowApp, caller: string) =>
	(hosts: Host[], evalSource: string | null): Promise<RunNowResult> =>
		checkNow(app, hosts, evalSource, caller);
