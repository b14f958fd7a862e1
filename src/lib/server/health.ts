import type { App } from './app';

export interface Health {
	/** degraded: the database answers, but the public snapshot is served (partly) from older figures. */
	status: 'ok' | 'degraded' | 'unavailable';
	database: { driver: string; reachable: boolean; error?: string };
	/** The public snapshot (badges, embeds, summary.json): its last refresh error, and the monitors served from their last good figures. */
	snapshot: { generatedAt: string | null; error?: string; monitors: { tag: string; error: string }[] };
	/** Incidents and maintenance in memory: when they were last loaded, and the last load's error (the previous copy is served). */
	notices: { loadedAt: string | null; error?: string };
	probeLoop: {
		running: boolean;
		monitors: number;
		checks: number;
		writeErrors: number;
		/** Results held while the database is unreachable, and those dropped because the buffer was full. */
		buffer: { pending: number; dropped: number };
	};
	uptimeSeconds: number;
}

/**
 * 200 when the database answers, 503 otherwise; the loop's counters help
 * debugging. Still 200 when degraded: the database answers and the pages
 * serve, but some public figures are stale, and the body says which and why.
 */
export async function health(
	app: Pick<App, 'database' | 'scheduler' | 'snapshot' | 'notices' | 'startedAt'>
): Promise<{ code: number; body: Health }> {
	let reachable = true;
	let error: string | undefined;
	try {
		await app.database.ping(2000);
	} catch (err) {
		reachable = false;
		error = err instanceof Error ? err.message : String(err);
	}
	const s = app.scheduler;
	const snap = app.snapshot.problems();
	const notices = app.notices.current();
	const degraded = !!snap.error || snap.monitors.length > 0 || !!app.notices.lastError;
	const body: Health = {
		status: !reachable ? 'unavailable' : degraded ? 'degraded' : 'ok',
		database: { driver: app.database.driver, reachable, ...(error ? { error } : {}) },
		snapshot: {
			generatedAt: app.snapshot.current()?.generatedAt.toISOString() ?? null,
			...(snap.error ? { error: snap.error } : {}),
			monitors: snap.monitors
		},
		notices: {
			loadedAt: notices.version ? notices.loadedAt.toISOString() : null,
			...(app.notices.lastError ? { error: app.notices.lastError } : {})
		},
		probeLoop: {
			running: !!s,
			monitors: s?.monitorCount ?? 0,
			checks: s?.stats.checks ?? 0,
			writeErrors: s?.stats.writeErrors ?? 0,
			buffer: { pending: s?.buffer.size ?? 0, dropped: s?.buffer.dropped ?? 0 }
		},
		uptimeSeconds: Math.round((Date.now() - app.startedAt.getTime()) / 1000)
	};
	return { code: reachable ? 200 : 503, body };
}

/**
 * What anyone may see: up or not. The counters say how many monitors run
 * (hidden ones included) and the errors can name hosts and database details,
 * so they are for a signed-in admin or an API key holder.
 */
export function publicHealth(body: Health): Pick<Health, 'status'> & { database: { reachable: boolean } } {
	return { status: body.status, database: { reachable: body.database.reachable } };
}
