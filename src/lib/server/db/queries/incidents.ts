// Incidents (incidents, incident_monitors, incident_updates): writes in one
// transaction each, and reads that return whole incidents (monitors and
// updates attached) in three statements however many incidents are asked for.
// Rows only: notices/ turns them into the model of incidents/model.ts.
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { incidentMonitors, incidents, incidentUpdates, monitors } from '../schema';
import { tableFingerprint } from './fingerprint';

/** The columns an incident is written with and read back as. */
interface IncidentColumns {
	title: string;
	impact: string;
	state: string;
	startedAt: Date;
	resolvedAt: Date | null;
	postmortem: string | null;
}

export interface IncidentRow extends IncidentColumns {
	id: number;
	createdAt: Date;
	updatedAt: Date;
	monitors: { id: number; tag: string; name: string; impact: string; isPublic: boolean; active: boolean }[];
	updates: { id: number; state: string; body: string; createdAt: Date; updatedAt: Date | null; author: string | null }[];
}

export interface NewIncident extends IncidentColumns {
	monitors: { monitorId: number; impact: string }[];
	update: { state: string; body: string; author: string | null; createdAt: Date };
}

export async function insertIncident(db: Db, input: NewIncident): Promise<number> {
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(incidents)
			.values({
				title: input.title,
				impact: input.impact,
				state: input.state,
				startedAt: input.startedAt,
				resolvedAt: input.resolvedAt,
				postmortem: input.postmortem
			})
			.returning({ id: incidents.id });
		if (input.monitors.length) await tx.insert(incidentMonitors).values(input.monitors.map((m) => ({ incidentId: row.id, ...m })));
		await tx.insert(incidentUpdates).values({ incidentId: row.id, ...input.update });
		return row.id;
	});
}

/** Title, impact, start, postmortem and (when given) the affected monitors; false when there is no such incident. */
export async function updateIncidentFields(
	db: Db,
	id: number,
	fields: { title: string; impact: string; startedAt: Date; postmortem: string | null },
	affected: { monitorId: number; impact: string }[] | null
): Promise<boolean> {
	return db.transaction(async (tx) => {
		const rows = await tx
			.update(incidents)
			.set({ ...fields, updatedAt: sql`now()` })
			.where(eq(incidents.id, id))
			.returning({ id: incidents.id });
		if (!rows.length) return false;
		if (affected) {
			await tx.delete(incidentMonitors).where(eq(incidentMonitors.incidentId, id));
			if (affected.length) await tx.insert(incidentMonitors).values(affected.map((m) => ({ incidentId: id, ...m })));
		}
		return true;
	});
}

/**
 * The incident's state, and resolved_at, follow its latest update: set after
 * every change to the timeline, so an edited or deleted update can never
 * leave the incident saying something its timeline does not.
 */
async function followLatest(tx: Tx, id: number) {
	const [latest] = await tx
		.select({ state: incidentUpdates.state, createdAt: incidentUpdates.createdAt })
		.from(incidentUpdates)
		.where(eq(incidentUpdates.incidentId, id))
		.orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id))
		.limit(1);
	if (!latest) return;
	await tx
		.update(incidents)
		.set({
			state: latest.state,
			// Kept when already resolved (an edit of the resolving update's text does not move it).
			resolvedAt: latest.state === 'resolved' ? sql`coalesce(${incidents.resolvedAt}, ${latest.createdAt})` : null,
			updatedAt: sql`now()`
		})
		.where(eq(incidents.id, id));
}

/** Posts an update; the incident takes its state. Returns the update's id, or null when there is no such incident. */
export async function insertIncidentUpdate(
	db: Db,
	id: number,
	update: { state: string; body: string; author: string | null; createdAt: Date }
): Promise<number | null> {
	return db.transaction(async (tx) => {
		// Locks the incident, so two updates posted at once are ordered.
		const [found] = await tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, id)).for('update');
		if (!found) return null;
		const [row] = await tx
			.insert(incidentUpdates)
			.values({ incidentId: id, ...update })
			.returning({ id: incidentUpdates.id });
		await followLatest(tx, id);
		return row.id;
	});
}

/** Rewrites an update's text and state; false when the incident has no such update. */
export async function editIncidentUpdate(db: Db, id: number, updateId: number, patch: { state: string; body: string }): Promise<boolean> {
	return db.transaction(async (tx) => {
		// Locks the incident as posting and deleting do: an edit beside a new post must not
		// set the state from a timeline read before the post committed.
		await tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, id)).for('update');
		const rows = await tx
			.update(incidentUpdates)
			.set({ ...patch, updatedAt: sql`now()` })
			.where(and(eq(incidentUpdates.id, updateId), eq(incidentUpdates.incidentId, id)))
			.returning({ id: incidentUpdates.id });
		if (!rows.length) return false;
		await followLatest(tx, id);
		return true;
	});
}

/** Deletes an update unless it is the incident's only one. */
export async function deleteIncidentUpdate(db: Db, id: number, updateId: number): Promise<'deleted' | 'missing' | 'last'> {
	return db.transaction(async (tx) => {
		const [found] = await tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, id)).for('update');
		if (!found) return 'missing';
		const [{ n }] = await tx
			.select({ n: sql<number>`count(*)::int` })
			.from(incidentUpdates)
			.where(eq(incidentUpdates.incidentId, id));
		const rows = await tx
			.select({ id: incidentUpdates.id })
			.from(incidentUpdates)
			.where(and(eq(incidentUpdates.id, updateId), eq(incidentUpdates.incidentId, id)));
		if (!rows.length) return 'missing';
		if (n <= 1) return 'last';
		await tx.delete(incidentUpdates).where(eq(incidentUpdates.id, updateId));
		await followLatest(tx, id);
		return 'deleted';
	});
}

export async function deleteIncidentById(db: Db, id: number): Promise<boolean> {
	const rows = await db.delete(incidents).where(eq(incidents.id, id)).returning({ id: incidents.id });
	return rows.length > 0;
}

/** Whole incidents for the given incident rows' filter, newest start first. */
async function whole(db: Db, where: SQL | undefined, limit?: number, offset = 0): Promise<IncidentRow[]> {
	let q = db.select().from(incidents).where(where).orderBy(desc(incidents.startedAt), desc(incidents.id)).$dynamic();
	if (limit !== undefined) q = q.limit(limit).offset(offset);
	const heads = await q;
	if (!heads.length) return [];
	const ids = heads.map((h) => h.id);
	const affected = await db
		.select({
			incidentId: incidentMonitors.incidentId,
			id: monitors.id,
			tag: monitors.tag,
			name: monitors.name,
			impact: incidentMonitors.impact,
			isPublic: monitors.isPublic,
			active: monitors.active
		})
		.from(incidentMonitors)
		.innerJoin(monitors, eq(monitors.id, incidentMonitors.monitorId))
		.where(inArray(incidentMonitors.incidentId, ids))
		.orderBy(asc(monitors.sortOrder), asc(monitors.name));
	const updates = await db
		.select()
		.from(incidentUpdates)
		.where(inArray(incidentUpdates.incidentId, ids))
		.orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id));
	const byId = new Map<number, IncidentRow>(heads.map((h) => [h.id, { ...h, monitors: [], updates: [] }]));
	for (const { incidentId, ...m } of affected) byId.get(incidentId)!.monitors.push(m);
	for (const { incidentId, ...u } of updates) byId.get(incidentId)!.updates.push(u);
	return heads.map((h) => byId.get(h.id)!);
}

export async function incidentById(db: Db, id: number): Promise<IncidentRow | null> {
	const [row] = await whole(db, eq(incidents.id, id));
	return row ?? null;
}

/** What the status pages keep in memory: every unresolved incident, those resolved since `since`, and at least the latest `latest`. */
export async function recentIncidents(db: Db, since: Date, latest: number): Promise<IncidentRow[]> {
	const [recent, last] = await Promise.all([
		whole(db, or(isNull(incidents.resolvedAt), gte(incidents.resolvedAt, since))),
		whole(db, undefined, latest)
	]);
	const seen = new Set(recent.map((r) => r.id));
	return [...recent, ...last.filter((r) => !seen.has(r.id))].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.id - a.id);
}

/**
 * Incidents that started before `before` (all when null), newest first, a page
 * at a time. With `beforeId` the cursor is the list's own order (start, then
 * id): those that started at `before` with a lower id come too, so incidents
 * sharing a start are not skipped between pages.
 */
export async function incidentsPage(
	db: Db,
	opts: { before: Date | null; beforeId?: number | null; limit: number; offset?: number }
): Promise<IncidentRow[]> {
	const { before, beforeId } = opts;
	const where = !before
		? undefined
		: beforeId
			? or(lt(incidents.startedAt, before), and(eq(incidents.startedAt, before), lt(incidents.id, beforeId)))
			: lt(incidents.startedAt, before);
	return whole(db, where, opts.limit, opts.offset ?? 0);
}

/** Changes on any insert, update or delete of an incident or its timeline (writes bump updated_at; ids are never reused). */
export const incidentsFingerprint = (db: Db): Promise<string> => tableFingerprint(db, incidents);

/** id, name and visibility of each monitor by tag. */
export async function monitorsByTag(db: Db): Promise<Map<string, { id: number; name: string; isPublic: boolean }>> {
	const rows = await db.select({ id: monitors.id, tag: monitors.tag, name: monitors.name, isPublic: monitors.isPublic }).from(monitors);
	return new Map(rows.map((r) => [r.tag, { id: r.id, name: r.name, isPublic: r.isPublic }]));
}
