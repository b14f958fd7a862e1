// Main-thread side of the probe worker: probes run in a worker thread so that
// page rendering and other main-thread work do not inflate measured latency.
//
// The app creates one (app.ts boot) and stops it with the app; the scheduler
// and run-now get it from there. The worker is unref()'d while idle:
// it never keeps the process alive by itself. While requests are in flight it
// is ref()'d, so a script awaiting probe() does not exit under it.
//
// Failure handling: if the worker dies (uncaught exception, OOM, terminate),
// every request in flight resolves with error pings ("EWORKER: ...") and a new
// worker is started (at once, unless it keeps dying: then at the next probe()).
// A request that gets no answer within a generous bound (see #deadline) also
// resolves with error pings, and the worker is replaced. probe() never rejects.

import { resolvePackageExport } from '../worker-url';
import { Worker } from 'node:worker_threads';
import type { Host, Ping } from '../types';

export const PROBE_WORKER_SPECIFIER = 'porthole/probe-worker';

export interface ProbeWorkerOptions {
	/** Cap on sockets in flight inside the worker (default 256, see tcp.ts). */
	maxSockets?: number;
	/** Worker entry; default: resolveProbeWorkerUrl(). For tests. */
	url?: URL;
	/** Slack added to a request's computed worst case before it counts as lost (default 5000 ms). */
	graceMs?: number;
}

/** The worker file, by package self-reference (see resolvePackageExport). */
export function resolveProbeWorkerUrl(): URL {
	return resolvePackageExport(PROBE_WORKER_SPECIFIER);
}

/** A stand-in ping for a host whose probe result was lost. */
export function workerErrorPing(host: Host, message: string): Ping {
	return {
		status: 'error',
		latency: 0,
		host: host?.host,
		port: host?.port,
		type: host?.type,
		dnsLatency: 0,
		error: `EWORKER: ${message}`
	};
}

/** Whose socket budget a request uses (see limiter.ts): the scheduler's, or run-now's. */
export type ProbeLane = 'scheduled' | 'ondemand';

interface Pending {
	hosts: Host[];
	worker: Worker;
	timer: ReturnType<typeof setTimeout>;
	resolve: (pings: Ping[]) => void;
}

type WorkerReply = { id: number; pings: Ping[] } | { id: number; error: string } | { type: 'error'; error: string };

/** Crashes within this window count towards the crash-loop guard. */
const CRASH_WINDOW_MS = 10_000;
const MAX_EAGER_RESTARTS = 3;
/** Slack on top of the computed bound before a request is declared lost. */
const WATCHDOG_GRACE_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 1000;

export class ProbeWorker {
	#url: URL | undefined;
	#maxSockets: number | undefined;
	#graceMs: number;
	#worker: Worker | null = null;
	#pending = new Map<number, Pending>();
	#nextId = 1;
	#crashes: number[] = [];
	#stopping = new Set<Worker>();
	/** Worker-side errors that had no request to go with (rejected config). */
	lastError: string | undefined;
	/** How many workers were started; for tests and diagnostics. */
	starts = 0;

	constructor(opts: ProbeWorkerOptions = {}) {
		this.#url = opts.url;
		this.#maxSockets = opts.maxSockets;
		this.#graceMs = opts.graceMs ?? WATCHDOG_GRACE_MS;
	}

	get running(): boolean {
		return this.#worker !== null;
	}

	/** Thread id of the current worker, or undefined. */
	get threadId(): number | undefined {
		return this.#worker?.threadId;
	}

	get inFlight(): number {
		return this.#pending.size;
	}

	/** Start the worker if it is not running. Resolving the worker file can throw. */
	start(): void {
		if (this.#worker) return;
		this.#url ??= resolveProbeWorkerUrl();
		const w = new Worker(this.#url, {
			name: 'porthole-probe',
			workerData: { maxSockets: this.#maxSockets },
			// Plain Node, whatever the parent runs under: inherited flags are not
			// needed (the worker is JavaScript) and some break it, e.g.
			// `--input-type` ("can only be used with string input") or loaders.
			execArgv: []
		});
		this.starts++;
		this.#worker = w;
		let failure: Error | undefined;
		w.on('message', (msg: WorkerReply) => this.#onMessage(w, msg));
		w.on('messageerror', (err) => {
			// A reply that cannot be deserialised: its request would wait forever.
			failure = err;
			void w.terminate();
		});
		w.on('error', (err) => {
			failure = err; // 'exit' follows
		});
		w.on('exit', (code) => this.#onExit(w, code, failure));
		// After the listeners: adding a 'message' listener refs the worker again.
		w.unref();
	}

	/** Change the worker's cap on sockets in flight (kept across restarts). */
	setMaxSockets(maxSockets: number): void {
		this.#maxSockets = maxSockets;
		this.#worker?.postMessage({ type: 'config', maxSockets });
	}

	/**
	 * Probe hosts in the worker; pings in the order given. Never rejects.
	 * `lane: 'ondemand'` (run-now) uses the worker's separate, small socket
	 * budget, so it never delays scheduled probes.
	 */
	probe(hosts: Host[], opts: { lane?: ProbeLane } = {}): Promise<Ping[]> {
		if (!Array.isArray(hosts)) {
			return Promise.resolve([]);
		}
		if (hosts.length === 0) return Promise.resolve([]);
		try {
			this.start();
		} catch (err) {
			const msg = `probe worker cannot start: ${(err as Error).message}`;
			return Promise.resolve(hosts.map((h) => workerErrorPing(h, msg)));
		}
		const w = this.#worker as Worker;
		const id = this.#nextId++;
		return new Promise<Ping[]>((resolve) => {
			const deadline = this.#deadline(hosts);
			const timer = setTimeout(() => this.#onLost(id, deadline), deadline);
			timer.unref();
			this.#pending.set(id, { hosts, worker: w, timer, resolve });
			w.ref();
			try {
				w.postMessage(opts.lane === 'ondemand' ? { id, hosts, lane: 'ondemand' } : { id, hosts });
			} catch (err) {
				this.#settle(id, (p) => p.hosts.map((h) => workerErrorPing(h, `cannot send hosts: ${(err as Error).message}`)));
			}
		});
	}

	/** Stop the worker. Requests in flight resolve with error pings. */
	async stop(): Promise<void> {
		const w = this.#worker;
		if (!w) return;
		this.#worker = null;
		this.#stopping.add(w);
		this.#failAll(w, 'probe worker stopped');
		await w.terminate();
	}

	/**
	 * An upper bound on how long the worker may take to answer: a probe's time
	 * queued for a socket counts towards its timeout (tcp.ts), so every host
	 * ends within its own timeout, however many requests are ahead of it.
	 */
	#deadline(hosts: Host[]): number {
		let longest = 0;
		for (const h of hosts) {
			const t = Number(h?.timeout);
			longest = Math.max(longest, Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS);
		}
		return Math.min(longest + this.#graceMs, 2 ** 31 - 1);
	}

	#settle(id: number, pings: (p: Pending) => Ping[]): void {
		const p = this.#pending.get(id);
		if (!p) return;
		this.#pending.delete(id);
		clearTimeout(p.timer);
		if (![...this.#pending.values()].some((q) => q.worker === p.worker)) p.worker.unref();
		p.resolve(pings(p));
	}

	#failAll(w: Worker, message: string): void {
		for (const [id, p] of this.#pending) {
			if (p.worker === w) this.#settle(id, (q) => q.hosts.map((h) => workerErrorPing(h, message)));
		}
	}

	#onMessage(w: Worker, msg: WorkerReply): void {
		if ('type' in msg) {
			this.lastError = msg.error;
			return;
		}
		const p = this.#pending.get(msg.id);
		if (!p || p.worker !== w) return;
		if ('pings' in msg && Array.isArray(msg.pings) && msg.pings.length === p.hosts.length) {
			this.#settle(msg.id, () => msg.pings);
		} else {
			const why = 'error' in msg ? msg.error : 'malformed reply';
			this.#settle(msg.id, (q) => q.hosts.map((h) => workerErrorPing(h, why)));
		}
	}

	#onLost(id: number, afterMs: number): void {
		const p = this.#pending.get(id);
		if (!p) return;
		this.#settle(id, (q) => q.hosts.map((h) => workerErrorPing(h, `probe worker gave no answer within ${afterMs} ms`)));
		// A worker that misses such a bound is wedged: replace it.
		if (p.worker === this.#worker) {
			this.#worker = null;
			this.#stopping.add(p.worker);
			this.#failAll(p.worker, 'probe worker replaced after an unanswered request');
			void p.worker.terminate();
			this.#restart();
		}
	}

	#onExit(w: Worker, code: number, failure: Error | undefined): void {
		const expected = this.#stopping.delete(w);
		const why = failure ? `${failure.name}: ${failure.message}` : `exit code ${code}`;
		this.#failAll(w, `probe worker exited (${why})`);
		if (expected || this.#worker !== w) return;
		// Unexpected death: replace it.
		this.#worker = null;
		const now = Date.now();
		this.#crashes = this.#crashes.filter((t) => now - t < CRASH_WINDOW_MS);
		this.#crashes.push(now);
		if (this.#crashes.length <= MAX_EAGER_RESTARTS) this.#restart();
		// else: crash loop; the next probe() starts a worker (and reports its errors).
	}

	#restart(): void {
		try {
			this.start();
		} catch (err) {
			this.lastError = `probe worker restart failed: ${(err as Error).message}`;
		}
	}
}
