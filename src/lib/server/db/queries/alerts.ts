// Alerts: channels and which monitors they serve, each monitor's confirmation
// state, the outbox of messages to send and the log of delivery attempts.
// The check write (checks.ts recordCheck, through alerts/record.ts) runs the
// per-check statements inside its own transaction; the sender
// (alerts/sender.ts) claims and settles outbox rows.
import { and, asc, eq, gt, inArray, isNull, lte, min, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { alertChannels, alertDeliveries, alertOutbox, monitorAlertState, monitorChannels } from '../schema';
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

export async function attachChannel(db: Tx, monitorId: number, channelId: number): Promise<void> {
	await db.insert(monitorChannels).values({ monitorId, channelId }).onConflictDoNothing();
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
	/** When the current outage's last message (down or reminder) was queued: reminders count from it. */
	lastNotifiedAt: Date | null;
	/** Reminders queued in the current outage. */
	reminders: number;
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
		lastTs: row.lastTs,
		lastNotifiedAt: row.lastNotifiedAt,
		reminders: row.reminders
	};
}

export async function saveAlertState(tx: Tx, monitorId: number, s: StoredAlertState): Promise<void> {
	await tx.update(monitorAlertState).set(s).where(eq(monitorAlertState.monitorId, monitorId));
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

/** Head rows: no earlier pending row of the same channel and monitor (messages of a monitor go out in order). */
const isHead = sql`not exists (select 1 from alert_outbox p where p.channel_id = ${alertOutbox.channelId}
	and p.monitor_id = ${alertOutbox.monitorId} and p.id < ${alertOutbox.id}
	and p.delivered_at is null and p.gave_up_at is null)`;

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
	/** Set once the row went out in a storm digest: it is retried with that digest's rows. */
	batchKey: string | null;
	stormThreshold: number;
	/** How long ago the row was queued, by the database's clock (the storm's gather delay). */
	ageMs: number;
}

const claimedColumns = {
	id: alertOutbox.id,
	channelId: alertOutbox.channelId,
	monitorId: alertOutbox.monitorId,
	kind: alertOutbox.kind,
	idempotencyKey: alertOutbox.idempotencyKey,
	payload: alertOutbox.payload,
	createdAt: alertOutbox.createdAt,
	attempts: alertOutbox.attempts,
	channelType: alertChannels.type,
	channelConfig: alertChannels.config,
	batchKey: alertOutbox.batchKey,
	stormThreshold: alertChannels.stormThreshold,
	ageMs: sql<number>`(extract(epoch from now() - ${alertOutbox.createdAt}) * 1000)::float8`.mapWith(Number)
};

/**
 * Due messages, row-locked until the transaction ends; rows another
 * transaction holds are skipped (SKIP LOCKED), so each is sent by one sender.
 * A row waits while an earlier one of the same channel and monitor is still
 * pending (locked by someone else or not yet due): messages of a monitor go out in order.
 */
export async function claimDueAlerts(tx: Tx, limit: number): Promise<ClaimedAlert[]> {
	return tx
		.select(claimedColumns)
		.from(alertOutbox)
		.innerJoin(alertChannels, eq(alertChannels.id, alertOutbox.channelId))
		.where(and(pending, lte(alertOutbox.nextAttemptAt, sql`now()`), isHead))
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
	const [row] = await db
		.select({ at: min(alertOutbox.nextAttemptAt) })
		.from(alertOutbox)
		.where(and(pending, isHead));
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
	const { outboxId, ...rest } = a;
	await recordDigestAttempt(tx, [outboxId], rest);
}

/** Every outbox row, oldest first (tests and, later, the delivery log). */
export async function listOutbox(db: Db) {
	return db.select().from(alertOutbox).orderBy(asc(alertOutbox.id));
}

/** Every delivery attempt, oldest first. */
export async function listDeliveries(db: Db) {
	return db.select().from(alertDeliveries).orderBy(asc(alertDeliveries.id));
}

// ---- Delivery: storm digests (alerts/sender.ts, alerts/storm.ts) ----------
// A storm is many messages to one channel within a minute: the sender sends
// a channel's due rows as one digest, marks them with its batch key, and a
// retry sends exactly those rows again under that key.

/**
 * Per channel, the messages queued to it in the last `seconds` (pending or
 * sent: a channel at or over its storm threshold gets digests) and how many
 * digests they went out in. Asked only when the sender has due rows (alerts
 * are rare), so a scan of the outbox is affordable.
 */
export async function recentCounts(
	tx: Tx,
	channelIds: number[],
	seconds = 60
): Promise<Map<number, { messages: number; digests: number }>> {
	if (channelIds.length === 0) return new Map();
	const rows = await tx
		.select({
			channelId: alertOutbox.channelId,
			messages: sql<number>`count(*)::int`,
			digests: sql<number>`count(distinct ${alertOutbox.batchKey})::int`
		})
		.from(alertOutbox)
		.where(and(inArray(alertOutbox.channelId, channelIds), gt(alertOutbox.createdAt, sql`now() - make_interval(secs => ${seconds})`)))
		.groupBy(alertOutbox.channelId);
	return new Map(rows.map((r) => [r.channelId, { messages: r.messages, digests: r.digests }]));
}

/**
 * Whether this transaction may form a digest for the channel: one at a time
 * (a transaction-scoped advisory lock, never waited for), so concurrent claims
 * do not split a storm into several digests.
 */
export async function tryStormLock(tx: Tx, channelId: number): Promise<boolean> {
	const r = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('porthole-alert-storm'), ${channelId}) as ok`);
	const rows = (Array.isArray(r) ? r : (r as { rows: { ok: boolean }[] }).rows) as { ok: boolean }[];
	return rows[0]?.ok === true;
}

/**
 * A channel's due head rows not yet in a digest (test messages always go
 * alone), oldest first, locked; rows another sender holds are skipped. Rows
 * this transaction already locked are returned too.
 */
export async function claimChannelDue(tx: Tx, channelId: number, limit: number): Promise<ClaimedAlert[]> {
	return tx
		.select(claimedColumns)
		.from(alertOutbox)
		.innerJoin(alertChannels, eq(alertChannels.id, alertOutbox.channelId))
		.where(
			and(
				eq(alertOutbox.channelId, channelId),
				pending,
				// Never tried: a row sent alone before keeps its own key (storm.ts).
				isNull(alertOutbox.batchKey),
				eq(alertOutbox.attempts, 0),
				ne(alertOutbox.kind, 'test'),
				lte(alertOutbox.nextAttemptAt, sql`now()`),
				isHead
			)
		)
		.orderBy(asc(alertOutbox.id))
		.limit(limit)
		.for('update', { of: alertOutbox, skipLocked: true });
}

/**
 * A digest's pending rows, locked (skipping rows another sender holds), and
 * how many it has in all: fewer locked than in all means another sender has
 * part of it, so this one leaves it alone.
 */
export async function lockBatch(tx: Tx, batchKey: string): Promise<{ rows: ClaimedAlert[]; total: number }> {
	const rows = await tx
		.select(claimedColumns)
		.from(alertOutbox)
		.innerJoin(alertChannels, eq(alertChannels.id, alertOutbox.channelId))
		.where(and(eq(alertOutbox.batchKey, batchKey), pending))
		.orderBy(asc(alertOutbox.id))
		.for('update', { of: alertOutbox, skipLocked: true });
	const [{ n }] = await tx
		.select({ n: sql<number>`count(*)::int` })
		.from(alertOutbox)
		.where(and(eq(alertOutbox.batchKey, batchKey), pending));
	return { rows, total: n };
}

/** recordAttempt for a digest's rows at once: one log row each, all settled alike (so they stay together). */
export async function recordDigestAttempt(tx: Tx, ids: number[], a: Omit<Attempt, 'outboxId'> & { batchKey?: string }): Promise<void> {
	if (ids.length === 0) return;
	const durationMs = Math.round(a.durationMs);
	await tx
		.insert(alertDeliveries)
		.values(ids.map((outboxId) => ({ outboxId, at: a.at, statusCode: a.statusCode, error: a.error, durationMs })));
	await tx
		.update(alertOutbox)
		.set({
			attempts: sql`${alertOutbox.attempts} + 1`,
			deliveredAt: a.delivered ? a.at : null,
			gaveUpAt: !a.delivered && !a.retryAt ? a.at : null,
			nextAttemptAt: a.retryAt ?? a.at,
			lastError: a.delivered ? null : (a.error ?? `HTTP ${a.statusCode}`),
			// A digest formed now: its rows keep its key, so a retry sends them again together.
			...(a.batchKey ? { batchKey: a.batchKey } : {})
		})
		.where(inArray(alertOutbox.id, ids));
}
