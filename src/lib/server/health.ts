import type { App } from './app';

export interface Health {
	status: 'ok' | 'unavailable';
	database: { driver: string; reachable: boolean; error?: string };
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

/** 200 when the database answers, 503 otherwise; the loop's counters help debugging. */
export async function health(app: App): Promise<{ code: number; body: Health }> {
	let reachable = true;
	let error: string | undefined;
	try {
		await app.database.ping(2000);
	} catch (err) {
		reachable = false;
		error = err instanceof Error ? err.message : String(err);
	}
	const s = app.scheduler;
	const body: Health = {
		status: reachable ? 'ok' : 'unavailable',
		database: { driver: app.database.driver, reachable, ...(error ? { error } : {}) },
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
