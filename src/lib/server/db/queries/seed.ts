// Bulk writes for the demo seeder: monitors by the hundred, rollups and raw
// checks by the thousand (multi-row inserts, any driver). Rollups are upserted
// with the same ON CONFLICT clause as live checks (rollupSet).
import { like, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { checkDays, checkHours, checks, monitors, monitorState, statusChanges } from '../schema';
import { packChecks, rollupSet, type CheckInput } from './checks';

/** Deletes the monitors whose tag starts with `prefix` (their history goes with them). */
export async function deleteMonitorsByTagPrefix(db: Db, prefix: string): Promise<void> {
	await db.delete(monitors).where(like(monitors.tag, `${prefix}%`));
}

/** Inserts monitors, returning their ids in the same order. */
export async function insertMonitorRows(db: Db, rows: (typeof monitors.$inferInsert)[]): Promise<number[]> {
	const r = await db.insert(monitors).values(rows).returning({ id: monitors.id });
	return r.map((x) => x.id);
}

export async function activateMonitorsByTagPrefix(db: Db, prefix: string): Promise<void> {
	await db
		.update(monitors)
		.set({ active: true })
		.where(like(monitors.tag, `${prefix}%`));
}

export async function upsertHourRollups(db: Db, rows: (typeof checkHours.$inferInsert)[]): Promise<void> {
	await db
		.insert(checkHours)
		.values(rows)
		.onConflictDoUpdate({ target: [checkHours.monitorId, checkHours.bucket], set: rollupSet('check_hours') });
}

export async function upsertDayRollups(db: Db, rows: (typeof checkDays.$inferInsert)[]): Promise<void> {
	await db
		.insert(checkDays)
		.values(rows)
		.onConflictDoUpdate({ target: [checkDays.monitorId, checkDays.day], set: rollupSet('check_days') });
}

/** Raw checks, packed as recordCheck packs them; a check already stored is left alone. */
export async function insertChecks(db: Db, inputs: CheckInput[]): Promise<void> {
	await db
		.insert(checks)
		.values(await packChecks(db, inputs))
		.onConflictDoNothing();
}

export async function insertStatusChanges(db: Db, rows: (typeof statusChanges.$inferInsert)[]): Promise<void> {
	await db.insert(statusChanges).values(rows).onConflictDoNothing();
}

export type MonitorStateRow = typeof monitorState.$inferInsert;

export async function insertMonitorStates(db: Db, rows: MonitorStateRow[]): Promise<void> {
	await db.insert(monitorState).values(rows).onConflictDoNothing();
}

/** Fresh planner statistics after a bulk load. */
export async function analyze(db: Db): Promise<void> {
	await db.execute(sql`analyze`);
}
