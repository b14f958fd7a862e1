// Daily rollups of one monitor for a bar (the embed widget's 90 days).
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Db } from '../index';
import { checkDays } from '../schema';

export interface DayRollup {
	day: string;
	up: number;
	degraded: number;
	down: number;
	maintenance: number;
	latencySum: number;
	latencyCount: number;
}

/** Days from `fromDay` (YYYY-MM-DD, inclusive) that have a rollup row, oldest first. */
export async function dayRollups(db: Db, monitorId: number, fromDay: string): Promise<DayRollup[]> {
	return db
		.select({
			day: checkDays.day,
			up: checkDays.up,
			degraded: checkDays.degraded,
			down: checkDays.down,
			maintenance: checkDays.maintenance,
			latencySum: checkDays.latencySum,
			latencyCount: checkDays.latencyCount
		})
		.from(checkDays)
		.where(and(eq(checkDays.monitorId, monitorId), gte(checkDays.day, fromDay)))
		.orderBy(asc(checkDays.day));
}
