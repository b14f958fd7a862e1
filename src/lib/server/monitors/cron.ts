import { Cron } from 'croner';

export const DEFAULT_CRON = '* * * * *';
/** Shortest allowed interval between checks of one monitor. */
export const MIN_INTERVAL_MS = 5000;

export type CronCheck = { ok: true; intervalMs: number } | { ok: false; error: string };

/**
 * Validates a cron expression (5 fields, or 6 with seconds first) and
 * measures its shortest gap over the next runs, so "* * * * * *" (every
 * second) is refused instead of flooding targets.
 */
export function checkCron(expr: string, timezone = 'UTC'): CronCheck {
	let cron: Cron;
	try {
		cron = new Cron(expr, { paused: true, timezone });
	} catch (err) {
		const msg = err instanceof Error ? err.message.replace(/^CronPattern: /, '') : String(err);
		return { ok: false, error: `invalid cron expression: ${msg}` };
	}
	const runs = cron.nextRuns(6);
	cron.stop();
	if (runs.length < 2) return { ok: false, error: 'cron expression never runs twice' };
	let min = Infinity;
	for (let i = 1; i < runs.length; i++) min = Math.min(min, runs[i].getTime() - runs[i - 1].getTime());
	if (min < MIN_INTERVAL_MS) {
		return { ok: false, error: `runs every ${min / 1000} s; the shortest allowed interval is ${MIN_INTERVAL_MS / 1000} s` };
	}
	return { ok: true, intervalMs: min };
}

/** The next scheduled slot strictly after `after`. */
export function nextSlot(expr: string, after: Date, timezone = 'UTC'): Date | null {
	const cron = new Cron(expr, { paused: true, timezone });
	const next = cron.nextRun(after);
	cron.stop();
	return next;
}

// Client-safe (the editor previews it as you type), so it lives outside $lib/server.
export { describeCron } from '../../cron-words';
