// Alert channels as objects: the admin's and the API's reads and writes, the
// CHANNELS_FILE sync, test messages, and the delivery log (attempts and
// pending messages). alerts.ts keeps what the check write and the sender run.
import { and, asc, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { alertChannels, alertDeliveries, alertOutbox, monitors } from '../schema';
import type { ChannelConfig, ChannelScope, ChannelType } from '../../alert-types';

const pending = and(isNull(alertOutbox.deliveredAt), isNull(alertOutbox.gaveUpAt));

export type ChannelRow = typeof alertChannels.$inferSelect;

/** Columns of a validated channel (alerts/channel-validate.ts ChannelSpec). */
export interface ChannelValues {
	name: string;
	type: ChannelType;
	config: ChannelConfig['config'];
	scope: ChannelScope;
	stormThreshold: number;
}

const columns = (c: ChannelValues) => ({
	name: c.name,
	type: c.type,
	config: c.config,
	scope: c.scope.kind,
	scopeGroup: c.scope.kind === 'group' ? c.scope.group : null,
	stormThreshold: c.stormThreshold
});

/** Every channel, by name. */
export async function listChannelRows(db: Db): Promise<ChannelRow[]> {
	return db.select().from(alertChannels).orderBy(asc(alertChannels.name));
}

export async function getChannelRow(db: Db | Tx, id: number): Promise<ChannelRow | null> {
	const [row] = await db.select().from(alertChannels).where(eq(alertChannels.id, id));
	return row ?? null;
}

export type ChannelWrite = { ok: true; id: number } | { ok: false; reason: 'missing' | 'taken' | 'file' | 'changed' };

/**
 * Channel writes one at a time: two creates (or renames) to one name would
 * both pass the "taken" check and the loser would fail on the unique index
 * (a 500, not a 409).
 */
const lockChannelWrites = (tx: Tx) => tx.execute(sql`select pg_advisory_xact_lock(hashtext('porthole.alert_channels'))`);

/** What an update was based on: a PATCH merges its fields over this. */
const content = (r: ChannelRow) => ({
	name: r.name,
	type: r.type,
	config: r.config,
	scope: r.scope,
	scopeGroup: r.scopeGroup,
	stormThreshold: r.stormThreshold,
	source: r.source
});

/**
 * Creates (id null) or replaces a channel the admin owns. Refused: a name
 * another channel has ('taken'), a channel CHANNELS_FILE owns ('file'), and,
 * given `basedOn` (the row the new values were made from), a channel changed
 * since ('changed': the caller merges again, so a concurrent PATCH is not lost).
 */
export async function writeChannel(db: Db, c: ChannelValues, id: number | null, basedOn?: ChannelRow): Promise<ChannelWrite> {
	return db.transaction(async (tx) => {
		await lockChannelWrites(tx);
		if (id !== null) {
			const [row] = await tx.select().from(alertChannels).where(eq(alertChannels.id, id)).for('update');
			if (!row) return { ok: false, reason: 'missing' } as const;
			if (row.source === 'file') return { ok: false, reason: 'file' } as const;
			if (basedOn && !sameJson(content(row), content(basedOn))) return { ok: false, reason: 'changed' } as const;
		}
		const [other] = await tx.select({ id: alertChannels.id }).from(alertChannels).where(eq(alertChannels.name, c.name));
		if (other && other.id !== id) return { ok: false, reason: 'taken' } as const;
		if (id === null) {
			const [row] = await tx.insert(alertChannels).values(columns(c)).returning({ id: alertChannels.id });
			return { ok: true, id: row.id } as const;
		}
		await tx
			.update(alertChannels)
			.set({ ...columns(c), updatedAt: sql`now()` })
			.where(eq(alertChannels.id, id));
		return { ok: true, id } as const;
	});
}

/** Deletes an admin channel (its monitor links, outbox and log go with it). */
export async function deleteChannelRow(db: Db, id: number): Promise<'deleted' | 'missing' | 'file'> {
	return db.transaction(async (tx) => {
		const [row] = await tx.select({ source: alertChannels.source }).from(alertChannels).where(eq(alertChannels.id, id)).for('update');
		if (!row) return 'missing';
		if (row.source === 'file') return 'file';
		await tx.delete(alertChannels).where(eq(alertChannels.id, id));
		return 'deleted';
	});
}

export interface ChannelSyncReport {
	created: string[];
	updated: string[];
	unchanged: string[];
	/** File channels no longer in the file: kept, now the admin's. */
	released: string[];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(sortKeys);
	if (v && typeof v === 'object')
		return Object.fromEntries(
			Object.keys(v)
				.sort()
				.map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])
		);
	return v;
}

/** CHANNELS_FILE at start, in one transaction: upsert by name as source 'file'; file channels it no longer lists go to the admin. */
export async function syncFileChannels(db: Db, list: ChannelValues[]): Promise<ChannelSyncReport> {
	const report: ChannelSyncReport = { created: [], updated: [], unchanged: [], released: [] };
	await db.transaction(async (tx) => {
		await lockChannelWrites(tx);
		const existing = new Map((await tx.select().from(alertChannels)).map((r) => [r.name, r]));
		for (const c of list) {
			const row = existing.get(c.name);
			const values = { ...columns(c), source: 'file' as const };
			if (!row) {
				await tx.insert(alertChannels).values(values);
				report.created.push(c.name);
			} else if (sameJson({ ...row, id: 0, createdAt: 0, updatedAt: 0 }, { ...row, ...values, id: 0, createdAt: 0, updatedAt: 0 })) {
				report.unchanged.push(c.name);
			} else {
				await tx
					.update(alertChannels)
					.set({ ...values, updatedAt: sql`now()` })
					.where(eq(alertChannels.id, row.id));
				report.updated.push(c.name);
			}
		}
		const named = new Set(list.map((c) => c.name));
		for (const row of existing.values()) {
			if (row.source !== 'file' || named.has(row.name)) continue;
			await tx
				.update(alertChannels)
				.set({ source: 'admin', updatedAt: sql`now()` })
				.where(eq(alertChannels.id, row.id));
			report.released.push(row.name);
		}
	});
	return report;
}

/** The channel's test message still waiting (not delivered, not given up), if any. */
export async function pendingTest(db: Db, channelId: number): Promise<{ id: number; key: string } | null> {
	const [row] = await db
		.select({ id: alertOutbox.id, key: alertOutbox.idempotencyKey })
		.from(alertOutbox)
		.where(
			and(eq(alertOutbox.channelId, channelId), eq(alertOutbox.kind, 'test'), isNull(alertOutbox.deliveredAt), isNull(alertOutbox.gaveUpAt))
		)
		.limit(1);
	return row ?? null;
}

/** A test message, queued for the sender like any alert. */
export async function enqueueTest(db: Db, channelId: number, payload: Record<string, unknown>, key: string): Promise<number | null> {
	const [row] = await db
		.insert(alertOutbox)
		.values({ channelId, monitorId: null, kind: 'test', idempotencyKey: key, payload })
		// Either unique index: the key, or the one waiting test per channel.
		.onConflictDoNothing()
		.returning({ id: alertOutbox.id });
	return row?.id ?? null;
}

export interface DeliveryLogRow {
	id: number;
	outboxId: number;
	at: Date;
	statusCode: number | null;
	error: string | null;
	durationMs: number;
	kind: string;
	channelId: number;
	channelName: string;
	monitorTag: string | null;
	monitorName: string | null;
}

/** Delivery attempts, newest first, `limit` of them before attempt id `beforeId`; optionally one channel's. */
export async function deliveryLog(
	db: Db,
	o: { limit: number; beforeId?: number | null; channelId?: number | null }
): Promise<DeliveryLogRow[]> {
	const where = and(
		o.beforeId ? lt(alertDeliveries.id, o.beforeId) : undefined,
		o.channelId ? eq(alertOutbox.channelId, o.channelId) : undefined
	);
	return db
		.select({
			id: alertDeliveries.id,
			outboxId: alertDeliveries.outboxId,
			at: alertDeliveries.at,
			statusCode: alertDeliveries.statusCode,
			error: alertDeliveries.error,
			durationMs: alertDeliveries.durationMs,
			kind: alertOutbox.kind,
			channelId: alertOutbox.channelId,
			channelName: alertChannels.name,
			monitorTag: monitors.tag,
			monitorName: monitors.name
		})
		.from(alertDeliveries)
		.innerJoin(alertOutbox, eq(alertOutbox.id, alertDeliveries.outboxId))
		.innerJoin(alertChannels, eq(alertChannels.id, alertOutbox.channelId))
		.leftJoin(monitors, eq(monitors.id, alertOutbox.monitorId))
		.where(where)
		.orderBy(desc(alertDeliveries.id))
		.limit(o.limit);
}

export interface PendingRow {
	id: number;
	kind: string;
	createdAt: Date;
	nextAttemptAt: Date;
	attempts: number;
	lastError: string | null;
	channelId: number;
	channelName: string;
	monitorTag: string | null;
	monitorName: string | null;
}

/** Messages not yet delivered nor given up, newest first. */
export async function pendingMessages(db: Db, o: { limit: number; channelId?: number | null }): Promise<PendingRow[]> {
	return db
		.select({
			id: alertOutbox.id,
			kind: alertOutbox.kind,
			createdAt: alertOutbox.createdAt,
			nextAttemptAt: alertOutbox.nextAttemptAt,
			attempts: alertOutbox.attempts,
			lastError: alertOutbox.lastError,
			channelId: alertOutbox.channelId,
			channelName: alertChannels.name,
			monitorTag: monitors.tag,
			monitorName: monitors.name
		})
		.from(alertOutbox)
		.innerJoin(alertChannels, eq(alertChannels.id, alertOutbox.channelId))
		.leftJoin(monitors, eq(monitors.id, alertOutbox.monitorId))
		.where(and(pending, o.channelId ? eq(alertOutbox.channelId, o.channelId) : undefined))
		.orderBy(desc(alertOutbox.id))
		.limit(o.limit);
}
