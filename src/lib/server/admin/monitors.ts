// Monitor writes for the admin UI and the API: create, replace (with rename),
// delete, switches, and the admin list. Every write goes through
// validateMonitor first; callers then refresh the scheduler.
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { checkHours, monitorState, monitors } from '../db/schema';
import { getMonitorByTag, inputToRow, listMonitors, rowToInput } from '../db/queries/monitors';
import { isTag, type MonitorInput } from '../monitors/validate';

export type SaveResult =
	| { ok: true; tag: string; created: boolean }
	| { ok: false; status: 404 | 409; field: string; message: string };

/**
 * Creates (originalTag null) or replaces the monitor at originalTag. A new
 * tag renames it; ids, and so its history, stay.
 */
export async function saveMonitor(db: Db, input: MonitorInput, originalTag: string | null): Promise<SaveResult> {
	return db.transaction(async (tx) => {
		const taken = await getMonitorByTag(tx as unknown as Db, input.tag);
		if (originalTag === null) {
			if (taken) return conflict(input.tag);
			await tx.insert(monitors).values(inputToRow(input));
			return { ok: true as const, tag: input.tag, created: true };
		}
		const current = input.tag === originalTag ? taken : await getMonitorByTag(tx as unknown as Db, originalTag);
		if (!current) return { ok: false as const, status: 404 as const, field: 'tag', message: `no monitor with tag "${originalTag}"` };
		if (taken && taken.id !== current.id) return conflict(input.tag);
		await tx
			.update(monitors)
			.set({ ...inputToRow(input), updatedAt: sql`now()` })
			.where(eq(monitors.id, current.id));
		return { ok: true as const, tag: input.tag, created: false };
	});
}

const conflict = (tag: string) => ({
	ok: false as const,
	status: 409 as const,
	field: 'tag',
	message: `Tag "${tag}" is already used by another monitor`
});

export async function deleteMonitor(db: Db, tag: string): Promise<boolean> {
	if (!isTag(tag)) return false; // no monitor has it (and a NUL in it would make Postgres refuse the query)
	const rows = await db.delete(monitors).where(eq(monitors.tag, tag)).returning({ id: monitors.id });
	return rows.length > 0;
}

export async function setMonitorSwitch(db: Db, tag: string, which: 'active' | 'public', on: boolean): Promise<boolean> {
	if (!isTag(tag)) return false;
	const set = which === 'active' ? { active: on } : { isPublic: on };
	const rows = await db
		.update(monitors)
		.set({ ...set, updatedAt: sql`now()` })
		.where(eq(monitors.tag, tag))
		.returning({ id: monitors.id });
	return rows.length > 0;
}

export async function getMonitorSpec(db: Db, tag: string): Promise<MonitorInput | null> {
	const row = await getMonitorByTag(db, tag);
	return row ? rowToInput(row) : null;
}

export interface AdminMonitorRow {
	tag: string;
	name: string;
	group: string | null;
	order: number;
	active: boolean;
	public: boolean;
	hosts: number;
	cron: string;
	status: string | null;
	lastCheck: Date | null;
	latency: number | null;
	uptime24h: number | null;
}

/** Every monitor (hidden and paused too) with status now and 24 h uptime, in page order. */
export async function listAdminMonitors(db: Db, now = new Date()): Promise<AdminMonitorRow[]> {
	const rows = await listMonitors(db);
	const states = await db.select().from(monitorState);
	const since = new Date(now.getTime() - 24 * 3_600_000);
	const hours = await db
		.select({
			monitorId: checkHours.monitorId,
			ok: sql<number>`sum(${checkHours.up} + ${checkHours.degraded})::int`,
			all: sql<number>`sum(${checkHours.up} + ${checkHours.degraded} + ${checkHours.down})::int`
		})
		.from(checkHours)
		.where(and(gte(checkHours.bucket, since)))
		.groupBy(checkHours.monitorId);
	const state = new Map(states.map((s) => [s.monitorId, s]));
	const up = new Map(hours.map((h) => [h.monitorId, h.all > 0 ? (h.ok / h.all) * 100 : null]));
	return rows.map((r) => {
		const s = state.get(r.id);
		return {
			tag: r.tag,
			name: r.name,
			group: r.groupName,
			order: r.sortOrder,
			active: r.active,
			public: r.isPublic,
			hosts: r.typeData.hosts.length,
			cron: r.cron,
			status: s?.status ?? null,
			lastCheck: s?.ts ?? null,
			latency: s?.latency ?? null,
			uptime24h: up.get(r.id) ?? null
		};
	});
}
