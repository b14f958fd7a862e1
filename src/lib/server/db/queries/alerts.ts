// Alerts: channels and which monitors they serve, each monitor's confirmation
// state, the outbox of messages to send and the log of delivery attempts.
// The check write (checks.ts recordCheck, through alerts/record.ts) runs the
// per-check statements inside its own transaction; the sender
// (alerts/sender.ts) claims and settles outbox rows.
import { and, asc, eq, isNull, lte, min, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { alertChannels, alertDeliveries, alertOutbox, monitorAlertState, monitorChannels, monitors } from '../schema';
import type { MonitorStatus } from '../../types';
import type { ChannelConfig, ChannelScope, ChannelType } from '../../alert-types';

export type NewChannel = ChannelConfig & {
	name: string;
	scope?: ChannelScope['kind'];
	scopeGroup?: string | null;
	stormThreshold?: number;
	source?: 'admin' | 'file';
};

export async function createChannel(db: Tx, c: NewChannel): Promise<number> {
	const [row] = await db.insert(alertChannels).values(c).returning({ id: alertChannels.id });
	return row.id;
}

export async function updateChannelConfig(db: Tx, id: number, config: ChannelConfig['config']): Promise<void> {
	await db.update(alertChannels).set({ config, updatedAt: new Date() }).where(eq(alertChannels.id, id));
}

export async function attachChannel(db: Tx, monitorId: number, channelId: number): Promise<void> {
	await db.insert(monitorChannels).values({ monitorId, channelId }).onConflictDoNothing();
}

/** The channels a monitor alerts: one primary-key lookup, asked on every check write. */
export async function channelIdsOf(tx: Tx, monitorId: number): Promise<number[]> {
	const rows = await tx
		.select({ id: monitorChannels.channelId })
		.from(monitorChannels)
		.where(eq(monitorChannels.monitorId, monitorId))
		.orderBy(monitorChannels.channelId);
	return rows.map((r) => r.id);
}

export interface StoredAlertState {
	/** What was last confirmed: alerts go out on a change of this. */
	state: 'up' | 'down';
	badCount: number;
	badSince: Date | null;
	goodCount: number;
	goodSince: Date | null;
	/** When the confirmed state began (for 'down': the outage's first failing slot). */
	since: Date | null;
	lastStatus: MonitorStatus | null;
	lastTs: Date | null;
}

/**
 * A monitor's confirmation state, row-locked until the transaction ends, so
 * two writers of one monitor take turns. The row is created first if missing
 * (up, no streaks), so even a monitor's first checks have a row to lock.
 */
export async function lockAlertState(tx: Tx, monitorId: number): Promise<StoredAlertState> {
	await tx.insert(monitorAlertState).values({ monitorId, state: 'up' }).onConflictDoNothing();
	const [row] = await tx.select().from(monitorAlertState).where(eq(monitorAlertState.monitorId, monitorId)).for('update');
	return {
		state: row.state === 'down' ? 'down' : 'up',
		badCount: row.badCount,
		badSince: row.badSince,
		goodCount: row.goodCount,
		goodSince: row.goodSince,
		since: row.since,
		lastStatus: row.lastStatus as MonitorStatus | null,
		lastTs: row.lastTs
	};
}

export async function saveAlertState(tx: Tx, monitorId: number, s: StoredAlertState): Promise<void> {
	await tx.update(monitorAlertState).set(s).where(eq(monitorAlertState.monitorId, monitorId));
}

export async function monitorLabel(tx: Tx, monitorId: number): Promise<{ tag: string; name: string } | null> {
	const [row] = await tx.select({ tag: monitors.tag, name: monitors.name }).from(monitors).where(eq(monitors.id, monitorId));
	return row ?? null;
}

export interface NewOutboxRow {
	channelId: number;
	monitorId: number | null;
	kind: 'down' | 'recovered' | 'reminder' | 'test';
	idempotencyKey: string;
	payload: Record<string, unknown>;
}

/** Queues messages; a key already queued is left alone (the same confirmation is never queued twice). */
export async function enqueueAlerts(tx: Tx, rows: NewOutboxRow[]): Promise<void> {
	if (rows.length === 0) return;
	await tx.insert(alertOutbox).values(rows).onConflictDoNothing({ target: alertOutbox.idempotencyKey });
}

const pending = and(isNull(alertOutbox.deliveredAt), isNull(alertOutbox.gaveUpAt));

export interface ClaimedAlert {
	id: number;
	channelId: number;
	monitorId: number | null;
	kind: string;
	idempotencyKey: string;
	payload: Record<string, unknown>;
	createdAt: Date;
	attempts: number;
	channelType: ChannelType;
	channelConfig: ChannelConfig['config'];
}

/**
 * Due messages, row-locked until the transaction ends; rows another
 * transaction holds are skipped (SKIP LOCKED), so each is sent by one sender.
 * A row waits while an earlier one of the same channel and monitor is still
 * pending (locked by someone else or not yet due): messages of a monitor go out in order.
 */
export async function claimDueAlerts(tx: Tx, limit: number): Promise<ClaimedAlert[]> {
	const earlier = sql`exists (select 1 from alert_outbox p where p.channel_id = ${alertOutbox.channelId}
		and p.monitor_id = ${alertOutbox.monitorId} and p.id < ${alertOutbox.id}
		and p.delivered_at is null and p.gave_up_at is null)`;
	return tx
		.select({
			id: alertOutbox.id,
			channelId: alertOutbox.channelId,
			monitorId: alertOutbox.monitorId,
			kind: alertOutbox.kind,
			idempotencyKey: alertOutbox.idempotencyKey,
			payload: alertOutbox.payload,
			createdAt: alertOutbox.createdAt,
			attempts: alertOutbox.attempts,
			channelType: alertChannels.type,
			channelConfig: alertChannels.config
		})
		.from(alertOutbox)
		.innerJoin(alertChannels, eq(alertChannels.id, alertOutbox.channelId))
		.where(and(pending, lte(alertOutbox.nextAttemptAt, sql`now()`), sql`not ${earlier}`))
		.orderBy(asc(alertOutbox.id))
		.limit(limit)
		.for('update', { of: alertOutbox, skipLocked: true });
}

/**
 * When the earliest message that a claim could take is due (null: nothing
 * pending), for the sender's next wake-up. Like claimDueAlerts, a row behind
 * an earlier pending one of its channel and monitor does not count: during a
 * receiver's outage the queue waits for its head's retry, not for rows that
 * were due long ago but must go after it.
 */
export async function nextAlertDue(db: Db): Promise<Date | null> {
	// The same "waits behind an earlier row" test as claimDueAlerts.
	const earlierPending = sql`exists (select 1 from alert_outbox p where p.channel_id = ${alertOutbox.channelId}
		and p.monitor_id = ${alertOutbox.monitorId} and p.id < ${alertOutbox.id}
		and p.delivered_at is null and p.gave_up_at is null)`;
	const [row] = await db
		.select({ at: min(alertOutbox.nextAttemptAt) })
		.from(alertOutbox)
		.where(and(pending, sql`not ${earlierPending}`));
	return row?.at ?? null;
}

export interface Attempt {
	outboxId: number;
	at: Date;
	statusCode: number | null;
	error: string | null;
	durationMs: number;
	/** 2xx: done. */
	delivered: boolean;
	/** When not delivered: the next try, or null to give up. */
	retryAt: Date | null;
}

/** Logs one attempt and settles its outbox row (delivered, retry later, or given up). */
export async function recordAttempt(tx: Tx, a: Attempt): Promise<void> {
	await tx.insert(alertDeliveries).values({
		outboxId: a.outboxId,
		at: a.at,
		statusCode: a.statusCode,
		error: a.error,
		durationMs: Math.round(a.durationMs)
	});
	const lastError = a.delivered ? null : (a.error ?? `HTTP ${a.statusCode}`);
	await tx
		.update(alertOutbox)
		.set({
			attempts: sql`${alertOutbox.attempts} + 1`,
			deliveredAt: a.delivered ? a.at : null,
			gaveUpAt: !a.delivered && !a.retryAt ? a.at : null,
			nextAttemptAt: a.retryAt ?? a.at,
			lastError
		})
		.where(eq(alertOutbox.id, a.outboxId));
}

/** Every outbox row, oldest first (tests and, later, the delivery log). */
export async function listOutbox(db: Db) {
	return db.select().from(alertOutbox).orderBy(asc(alertOutbox.id));
}

/** Every delivery attempt, oldest first. */
export async function listDeliveries(db: Db) {
	return db.select().from(alertDeliveries).orderBy(asc(alertDeliveries.id));
}
