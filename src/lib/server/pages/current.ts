// "Current" (issue 11.4): a monitor has a check within its expected interval.
// One rule for the home page and monitor page ("No data"), the banner, the
// public snapshot (status.json, summary.json) and the demo seeder.

/** A monitor with no check within this many slots counts as "no recent data". */
export const STALE_SLOTS = 3;

/** The latest check is within STALE_SLOTS of the monitor's slots (plus 30 s for a late run). */
export function isCurrent(lastCheck: Date | null, slot: number, now: Date): boolean {
	return !!lastCheck && now.getTime() - lastCheck.getTime() <= STALE_SLOTS * slot + 30_000;
}
