// "Current": a monitor has a check within its expected interval.
// One status rule for the home page and monitor page ("No data"), the banner,
// the public snapshot (status.json, summary.json) and the demo seeder; the
// slot length it rests on comes from the monitor's cron.
import { shown, type Shown } from '../status';
import { checkCron } from './monitors/cron';

/** A monitor with no check within this many slots counts as "no recent data". */
export const STALE_SLOTS = 3;

/** The latest check is within STALE_SLOTS of the monitor's slots (plus 30 s for a late run). */
export function isCurrent(lastCheck: Date | null, slot: number, now: Date): boolean {
	return !!lastCheck && now.getTime() - lastCheck.getTime() <= STALE_SLOTS * slot + 30_000;
}

/** Status now, or NODATA when the monitor is not current (now is not history). */
export function statusNow(status: string | null, lastCheck: Date | null, slot: number, now: Date): Shown {
	return isCurrent(lastCheck, slot, now) ? shown(status) : 'NODATA';
}

const slotCache = new Map<string, number>();

/** The monitor's slot length in ms (the shortest gap of its cron); 60 s if the cron is unusable. */
export function slotMs(cron: string, timeZone = 'UTC'): number {
	const key = `${timeZone} ${cron}`;
	let ms = slotCache.get(key);
	if (ms === undefined) {
		const c = checkCron(cron, timeZone);
		ms = c.ok ? c.intervalMs : 60_000;
		slotCache.set(key, ms);
	}
	return ms;
}
