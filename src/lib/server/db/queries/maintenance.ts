// Scheduled maintenance (maintenances, maintenance_monitors). The window is
// stored as validated JSON; first_start and last_end bound it for range reads.
// Rows only: notices/ turns them into the model (incidents/model.ts).
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../index';
import { maintenanceMonitors, maintenances, monitors } from '../schema';
import { tableFingerprint } from './fingerprint';

export interface MaintenanceRow {
	id: number;
	title: string;
	description: string;
	window: Record<string, unknown>;
	firstStart: Date;
	lastEnd: Date | null;
	cancelled: string[];
	endedAt: Date | null;
	cuts: { start: string; end: string }[];
	createdAt: Date;
	updatedAt: Date;
	monitors: { id: number; tag: string; name: string; isPublic: boolean; active: boolean }[];
}

export interface MaintenanceWrite {
	title: string;
	description: string;
	window: Record<string, unknown>;
	firstStart: Date;
	lastEnd: Date | null;
	monitorIds: number[];
}

export async function insertMaintenance(db: Db, m: MaintenanceWrite): Promise<number> {
	return db.transaction(async (tx) => {
		const { monitorIds, ...fields } = m;
		const [row] = await tx.insert(maintenances).values(fields).returning({ id: maintenances.id });
		if (monitorIds.length)
			await tx.insert(maintenanceMonitors).values(monitorIds.map((monitorId) => ({ maintenanceId: row.id, monitorId })));
		return row.id;
	});
}

/** Replaces title, description, window and monitors; cancelled occurrences and a manual end are cleared (they belonged to the old window). */
export async function replaceMaintenance(db: Db, id: number, m: MaintenanceWrite): Promise<boolean> {
	return db.transaction(async (tx) => {
		const { monitorIds, ...fields } = m;
		const rows = await tx
			.update(maintenances)
			.set({ ...fields, cancelled: [], endedAt: null, cuts: [], updatedAt: sql`now()` })
			.where(eq(maintenances.id, id))
			.returning({ id: maintenances.id });
		if (!rows.length) return false;
		await tx.delete(maintenanceMonitors).where(eq(maintenanceMonitors.maintenanceId, id));
		if (monitorIds.length) await tx.insert(maintenanceMonitors).values(monitorIds.map((monitorId) => ({ maintenanceId: id, monitorId })));
		return true;
	});
}

/** "End now": only the first call counts (a second one would move the end later). */
export async function endMaintenance(db: Db, id: number, at: Date): Promise<boolean> {
	const rows = await db
		.update(maintenances)
		.set({ endedAt: sql`coalesce(${maintenances.endedAt}, ${at.toISOString()}::timestamptz)`, updatedAt: sql`now()` })
		.where(eq(maintenances.id, id))
		.returning({ id: maintenances.id });
	return rows.length > 0;
}

/** Ends one occurrence of a recurring window at `at` (the first cut of an occurrence counts). */
export async function cutOccurrence(db: Db, id: number, start: Date, at: Date): Promise<boolean> {
	const key = JSON.stringify([{ start: start.toISOString() }]);
	const entry = JSON.stringify([{ start: start.toISOString(), end: at.toISOString() }]);
	const rows = await db
		.update(maintenances)
		.set({
			cuts: sql`case when ${maintenances.cuts} @> ${key}::jsonb then ${maintenances.cuts} else ${maintenances.cuts} || ${entry}::jsonb end`,
			updatedAt: sql`now()`
		})
		.where(eq(maintenances.id, id))
		.returning({ id: maintenances.id });
	return rows.length > 0;
}

/** Adds one occurrence's start to the cancelled list (once). */
export async function cancelOccurrence(db: Db, id: number, start: Date): Promise<boolean> {
	const iso = start.toISOString();
	const rows = await db
		.update(maintenances)
		.set({
			cancelled: sql`case when ${maintenances.cancelled} @> ${JSON.stringify([iso])}::jsonb then ${maintenances.cancelled}
				else ${maintenances.cancelled} || ${JSON.stringify([iso])}::jsonb end`,
			updatedAt: sql`now()`
		})
		.where(eq(maintenances.id, id))
		.returning({ id: maintenances.id });
	return rows.length > 0;
}

export async function deleteMaintenanceById(db: Db, id: number): Promise<boolean> {
	const rows = await db.delete(maintenances).where(eq(maintenances.id, id)).returning({ id: maintenances.id });
	return rows.length > 0;
}

async function whole(db: Db, where: SQL | undefined, limit?: number, offset = 0): Promise<MaintenanceRow[]> {
	let q = db.select().from(maintenances).where(where).orderBy(desc(maintenances.firstStart), desc(maintenances.id)).$dynamic();
	if (limit !== undefined) q = q.limit(limit).offset(offset);
	const heads = await q;
	if (!heads.length) return [];
	const affected = await db
		.select({
			maintenanceId: maintenanceMonitors.maintenanceId,
			id: monitors.id,
			tag: monitors.tag,
			name: monitors.name,
			isPublic: monitors.isPublic,
			active: monitors.active
		})
		.from(maintenanceMonitors)
		.innerJoin(monitors, eq(monitors.id, maintenanceMonitors.monitorId))
		.where(
			inArray(
				maintenanceMonitors.maintenanceId,
				heads.map((h) => h.id)
			)
		)
		.orderBy(asc(monitors.sortOrder), asc(monitors.name));
	const byId = new Map<number, MaintenanceRow>(heads.map((h) => [h.id, { ...h, monitors: [] }]));
	for (const { maintenanceId, ...m } of affected) byId.get(maintenanceId)!.monitors.push(m);
	return heads.map((h) => byId.get(h.id)!);
}

export async function maintenanceById(db: Db, id: number): Promise<MaintenanceRow | null> {
	const [row] = await whole(db, eq(maintenances.id, id));
	return row ?? null;
}

/**
 * What the status pages and the probe loop keep in memory: every window not
 * over by `since` (unbounded recurring ones included), and at least the latest
 * `latest` by first start.
 */
export async function recentMaintenances(db: Db, since: Date, latest: number): Promise<MaintenanceRow[]> {
	const [recent, last] = await Promise.all([
		whole(
			db,
			and(
				or(isNull(maintenances.lastEnd), gte(maintenances.lastEnd, since)),
				or(isNull(maintenances.endedAt), gte(maintenances.endedAt, since))
			)
		),
		whole(db, undefined, latest)
	]);
	const seen = new Set(recent.map((r) => r.id));
	return [...recent, ...last.filter((r) => !seen.has(r.id))].sort((a, b) => b.firstStart.getTime() - a.firstStart.getTime() || b.id - a.id);
}

/** Windows that began before `before` (all when null), newest first, a page at a time; `beforeId` as for incidentsPage. */
export async function maintenancesPage(
	db: Db,
	opts: { before: Date | null; beforeId?: number | null; limit: number; offset?: number }
): Promise<MaintenanceRow[]> {
	const { before, beforeId } = opts;
	const where = !before
		? undefined
		: beforeId
			? or(lt(maintenances.firstStart, before), and(eq(maintenances.firstStart, before), lt(maintenances.id, beforeId)))
			: lt(maintenances.firstStart, before);
	return whole(db, where, opts.limit, opts.offset ?? 0);
}

/** Every window's schedule by monitor, for the probe loop: no titles or descriptions. */
export async function maintenanceSchedule(db: Db, since: Date) {
	const rows = await db
		.select({
			id: maintenances.id,
			window: maintenances.window,
			cancelled: maintenances.cancelled,
			endedAt: maintenances.endedAt,
			cuts: maintenances.cuts,
			monitorId: maintenanceMonitors.monitorId
		})
		.from(maintenances)
		.innerJoin(maintenanceMonitors, eq(maintenanceMonitors.maintenanceId, maintenances.id))
		.where(
			and(
				or(isNull(maintenances.lastEnd), gte(maintenances.lastEnd, since)),
				or(isNull(maintenances.endedAt), gte(maintenances.endedAt, since))
			)
		);
	return rows;
}

/** Changes on any insert, update or delete of a window or its monitors (every write bumps updated_at; ids are never reused). */
export const maintenancesFingerprint = (db: Db): Promise<string> => tableFingerprint(db, maintenances);
