// Hourly rollups (check_hours) of one monitor: the monitor page's 24-hour
// tile and the latency chart's 7- and 30-day ranges.
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { checkHours } from '../schema';

/** UP, DEGRADED and DOWN checks summed over the hours from `from` (zeros when none). */
export async function hourCountsSince(db: Db, monitorId: number, from: Date): Promise<{ up: number; degraded: number; down: number }> {
	const [row] = await db
		.select({
			up: sql<number>`coalesce(sum(${checkHours.up}), 0)::int`,
			degraded: sql<number>`coalesce(sum(${checkHours.degraded}), 0)::int`,
			down: sql<number>`coalesce(sum(${checkHours.down}), 0)::int`
		})
		.from(checkHours)
		.where(and(eq(checkHours.monitorId, monitorId), gte(checkHours.bucket, from)));
	return row ?? { up: 0, degraded: 0, down: 0 };
}

/** Whole check_hours rows with `from` <= bucket < `to`. */
export async function hourRows(db: Db, monitorId: number, from: Date, to: Date) {
	return db
		.select()
		.from(checkHours)
		.where(and(eq(checkHours.monitorId, monitorId), gte(checkHours.bucket, from), lt(checkHours.bucket, to)));
}
