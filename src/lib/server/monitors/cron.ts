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

/** Plain words for common schedules: "every minute", "every 30 seconds"; the expression otherwise. */
export function describeCron(expr: string): string {
	const f = expr.trim().split(/\s+/);
	const five = f.length === 5 ? f : f.length === 6 && f[0] === '0' ? f.slice(1) : null;
	const every = (n: string, unit: string) => (n === '1' ? `every ${unit}` : `every ${n} ${unit}s`);
	if (f.length === 6 && f.slice(1).every((x) => x === '*')) {
		if (f[0] === '*') return 'every second';
		const m = /^\*\/(\d+)$/.exec(f[0]);
		if (m) return every(m[1], 'second');
	}
	if (five && five.slice(1).every((x) => x === '*')) {
		if (five[0] === '*') return 'every minute';
		const m = /^\*\/(\d+)$/.exec(five[0]);
		if (m) return every(m[1], 'minute');
	}
	if (five && five[0] === '0' && five.slice(2).every((x) => x === '*')) {
		if (five[1] === '*') return 'every hour';
		const m = /^\*\/(\d+)$/.exec(five[1]);
		if (m) return every(m[1], 'hour');
	}
	return expr;
}
