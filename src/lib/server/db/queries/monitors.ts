import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { checkHours, monitorState, monitors, type MonitorRow, type NewMonitorRow } from '../schema';
import { tableFingerprint } from './fingerprint';
import { isTag, type MonitorInput } from '../../types';
import { inPageOrder } from '../../../order';
import { channelNamesByMonitor, replaceMonitorChannels, resolveChannelNames } from './monitor-alerts';

/** The spec's JSON format → a row. */
export function inputToRow(m: MonitorInput): Omit<NewMonitorRow, 'id' | 'createdAt' | 'updatedAt'> {
	return {
		tag: m.tag,
		name: m.name,
		description: m.description,
		type: m.type,
		typeData: { hosts: m.type_data.hosts },
		evalSource: m.eval,
		cron: m.cron,
		isPublic: m.public,
		active: m.active,
		showHosts: m.show_hosts,
		groupName: m.group,
		sortOrder: m.order,
		alertDown: m.confirm.down,
		alertUp: m.confirm.up,
		alertDegraded: m.confirm.degraded,
		alertRemindMinutes: m.confirm.remindMinutes
	};
}

/**
 * A row and the names of its channels (channelNamesByMonitor) → the spec's
 * JSON format (what export writes and MONITORS_FILE reads).
 */
export function rowToInput(r: MonitorRow, channels: string[] = []): MonitorInput {
	return {
		tag: r.tag,
		name: r.name,
		description: r.description,
		type: 'TCP',
		type_data: { hosts: r.typeData.hosts },
		eval: r.evalSource,
		cron: r.cron,
		public: r.isPublic,
		active: r.active,
		show_hosts: r.showHosts,
		group: r.groupName,
		order: r.sortOrder,
		confirm: { down: r.alertDown, up: r.alertUp, degraded: r.alertDegraded, remindMinutes: r.alertRemindMinutes },
		channels
	};
}

/** JSON with object keys sorted, since jsonb does not keep key order. */
export function stableJson(v: unknown): string {
	return JSON.stringify(v, (_k, val) =>
		val && typeof val === 'object' && !Array.isArray(val)
			? Object.fromEntries(
					Object.keys(val)
						.sort()
						.map((k) => [k, val[k]])
				)
			: val
	);
}

const sameConfig = (a: MonitorInput, b: MonitorInput) => stableJson(a) === stableJson(b);

export interface UpsertReport {
	created: string[];
	updated: string[];
	unchanged: string[];
}

/**
 * Creates or updates monitors by tag, all in one transaction; others are left
 * alone. A monitor naming a channel that does not exist throws
 * UnknownChannelError (monitor-alerts.ts) and nothing is written.
 */
export async function upsertMonitors(db: Db, inputs: MonitorInput[]): Promise<UpsertReport> {
	const report: UpsertReport = { created: [], updated: [], unchanged: [] };
	await db.transaction(async (tx) => {
		const channelIds = await resolveChannelNames(
			tx,
			inputs.map((m) => m.channels)
		);
		const existing = new Map((await tx.select().from(monitors)).map((r) => [r.tag, r]));
		const names = await channelNamesByMonitor(tx);
		for (const [i, input] of inputs.entries()) {
			const row = existing.get(input.tag);
			if (!row) {
				const [{ id }] = await tx.insert(monitors).values(inputToRow(input)).returning({ id: monitors.id });
				await replaceMonitorChannels(tx, id, channelIds[i]);
				report.created.push(input.tag);
			} else if (sameConfig(rowToInput(row, names.get(row.id)), input)) {
				report.unchanged.push(input.tag);
			} else {
				await tx
					.update(monitors)
					.set({ ...inputToRow(input), updatedAt: sql`now()` })
					.where(eq(monitors.id, row.id));
				await replaceMonitorChannels(tx, row.id, channelIds[i]);
				report.updated.push(input.tag);
			}
		}
	});
	return report;
}

export async function getMonitorByTag(db: Db, tag: string): Promise<MonitorRow | undefined> {
	// Tags come from URLs: one no monitor can have is not looked up (a NUL in it would make Postgres refuse the query).
	if (!isTag(tag)) return undefined;
	const [row] = await db.select().from(monitors).where(eq(monitors.tag, tag)).limit(1);
	return row;
}

export async function listMonitors(db: Db): Promise<MonitorRow[]> {
	// Page order (ungrouped first, natural names), as on the public page.
	const rows = await db.select().from(monitors);
	return inPageOrder(rows, (r) => ({ group: r.groupName, order: r.sortOrder, name: r.name, tag: r.tag }));
}

/** What the scheduler needs of each active monitor. */
export async function listActiveMonitors(db: Db) {
	return db
		.select({
			id: monitors.id,
			tag: monitors.tag,
			typeData: monitors.typeData,
			evalSource: monitors.evalSource,
			cron: monitors.cron,
			updatedAt: monitors.updatedAt
		})
		.from(monitors)
		.where(eq(monitors.active, true));
}
export type ScheduledMonitor = Awaited<ReturnType<typeof listActiveMonitors>>[number];

/** The monitor table's fingerprint (fingerprint.ts): the scheduler polls it to pick up changes without a restart. */
export const monitorsFingerprint = (db: Db): Promise<string> => tableFingerprint(db, monitors);

/**
 * Creates (originalTag null) or replaces the monitor at originalTag, in one
 * transaction. A new tag renames it; ids, and so its history, stay. Says what
 * happened, or why nothing did: no monitor at originalTag, or the tag is
 * another monitor's.
 */
export async function writeMonitor(
	db: Db,
	input: MonitorInput,
	originalTag: string | null
): Promise<'created' | 'updated' | 'missing' | 'taken'> {
	return db.transaction(async (tx) => {
		// Unknown channel names throw (UnknownChannelError) before anything is written.
		const [channelIds] = await resolveChannelNames(tx, [input.channels]);
		const taken = await getMonitorByTag(tx as unknown as Db, input.tag);
		if (originalTag === null) {
			if (taken) return 'taken';
			const [{ id }] = await tx.insert(monitors).values(inputToRow(input)).returning({ id: monitors.id });
			await replaceMonitorChannels(tx, id, channelIds);
			return 'created';
		}
		const current = input.tag === originalTag ? taken : await getMonitorByTag(tx as unknown as Db, originalTag);
		if (!current) return 'missing';
		if (taken && taken.id !== current.id) return 'taken';
		await tx
			.update(monitors)
			.set({ ...inputToRow(input), updatedAt: sql`now()` })
			.where(eq(monitors.id, current.id));
		await replaceMonitorChannels(tx, current.id, channelIds);
		return 'updated';
	});
}

/** Deletes the monitor (its checks go with it); false when there is none. */
export async function deleteMonitorByTag(db: Db, tag: string): Promise<boolean> {
	const rows = await db.delete(monitors).where(eq(monitors.tag, tag)).returning({ id: monitors.id });
	return rows.length > 0;
}

/** Sets "active" or "public"; false when there is no such monitor. */
export async function setMonitorFlag(db: Db, tag: string, which: 'active' | 'public', on: boolean): Promise<boolean> {
	const set = which === 'active' ? { active: on } : { isPublic: on };
	const rows = await db
		.update(monitors)
		.set({ ...set, updatedAt: sql`now()` })
		.where(eq(monitors.tag, tag))
		.returning({ id: monitors.id });
	return rows.length > 0;
}

/** One monitor in the spec's JSON format, or null. */
export async function getMonitorSpec(db: Db, tag: string): Promise<MonitorInput | null> {
	const row = await getMonitorByTag(db, tag);
	return row ? rowToInput(row, (await channelNamesByMonitor(db, [row.id])).get(row.id)) : null;
}

/** Every monitor in the spec's JSON format, in page order (export, import's comparison). */
export async function listMonitorSpecs(db: Db): Promise<MonitorInput[]> {
	const rows = await listMonitors(db);
	const names = await channelNamesByMonitor(db);
	return rows.map((r) => rowToInput(r, names.get(r.id)));
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
