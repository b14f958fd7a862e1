// Alerts: channels, which monitors use them, each monitor's confirmation state,
// the outbox of messages to send and the log of delivery attempts.
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { monitors, tstz } from './schema-monitors';
import type { ChannelConfig, ChannelScope, ChannelType } from '../alert-types';

/**
 * Where alerts go (alert-types.ts): `type` and `config` (what the type
 * needs, secrets included: never shown back in full), which monitors it serves
 * (`scope`: 'monitors' through monitor_channels, 'all', or 'group' with
 * `scope_group`), and how many messages within a minute make a storm.
 */
export const alertChannels = pgTable('alert_channels', {
	id: serial('id').primaryKey(),
	name: text('name').notNull().unique(),
	type: text('type').$type<ChannelType>().notNull(),
	config: jsonb('config').$type<ChannelConfig['config']>().notNull(),
	scope: text('scope').$type<ChannelScope['kind']>().notNull().default('monitors'),
	scopeGroup: text('scope_group'),
	stormThreshold: integer('storm_threshold').notNull().default(5),
	/** 'file' when CHANNELS_FILE defines it (the file wins at start), else 'admin'. */
	source: text('source').$type<'admin' | 'file'>().notNull().default('admin'),
	createdAt: tstz('created_at').notNull().defaultNow(),
	updatedAt: tstz('updated_at').notNull().defaultNow()
});

/** Which channels a monitor alerts. Keyed by monitor first: the check write asks "any channels?" through the key. */
export const monitorChannels = pgTable(
	'monitor_channels',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		channelId: integer('channel_id')
			.notNull()
			.references(() => alertChannels.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.channelId] }), index('monitor_channels_channel_idx').on(t.channelId)]
);

/**
 * Each alerted monitor's confirmation state (alerts/confirm.ts), stored so a
 * restart or another worker carries on where it was. Written in the check's
 * transaction, only for monitors with channels.
 */
export const monitorAlertState = pgTable('monitor_alert_state', {
	monitorId: integer('monitor_id')
		.primaryKey()
		.references(() => monitors.id, { onDelete: 'cascade' }),
	/** 'up' or 'down': what was last confirmed (and alerted). */
	state: text('state').notNull(),
	/** Consecutive checks counted as not UP, and the slot of the first of them. */
	badCount: integer('bad_count').notNull().default(0),
	badSince: tstz('bad_since'),
	/** Consecutive checks counted as UP, and the slot of the first of them. */
	goodCount: integer('good_count').notNull().default(0),
	goodSince: tstz('good_since'),
	/** When the confirmed state began (an outage: its first failing slot). */
	since: tstz('since'),
	lastStatus: text('last_status'),
	/** Slot of the latest check counted: an older one (a late buffer flush) is ignored. */
	lastTs: tstz('last_ts'),
	/** When the last message (down or reminder) of the current outage was queued: reminders count from it. */
	lastNotifiedAt: tstz('last_notified_at'),
	/** Reminders queued in the current outage. */
	reminders: integer('reminders').notNull().default(0)
});

/**
 * The transactional outbox: one row per message per channel, written in the
 * confirming check's transaction; a sender (alerts/sender.ts) delivers it.
 * The idempotency key is derived from monitor, kind, slot and channel, so the
 * same confirmation can never be queued twice and a receiver can drop repeats.
 */
export const alertOutbox = pgTable(
	'alert_outbox',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		channelId: integer('channel_id')
			.notNull()
			.references(() => alertChannels.id, { onDelete: 'cascade' }),
		/** Null for a channel's test message. */
		monitorId: integer('monitor_id').references(() => monitors.id, { onDelete: 'cascade' }),
		/** 'down', 'recovered', 'reminder' or 'test'. */
		kind: text('kind').notNull(),
		idempotencyKey: text('idempotency_key').notNull().unique(),
		payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
		createdAt: tstz('created_at').notNull().defaultNow(),
		nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
		attempts: integer('attempts').notNull().default(0),
		deliveredAt: tstz('delivered_at'),
		/** Set when retries stopped (past the give-up age): no longer holds back later messages. */
		gaveUpAt: tstz('gave_up_at'),
		lastError: text('last_error'),
		/**
		 * Set when the row was first sent as part of a storm digest: a retry
		 * sends the same rows again as one message with the same key.
		 */
		batchKey: text('batch_key')
	},
	// The sender's scan (what is pending, by due time) and its per-monitor
	// order check (an earlier pending row of the same channel and monitor).
	(t) => [
		index('alert_outbox_pending_idx')
			.on(t.nextAttemptAt)
			.where(sql`delivered_at is null and gave_up_at is null`),
		index('alert_outbox_queue_idx')
			.on(t.channelId, t.monitorId, t.id)
			.where(sql`delivered_at is null and gave_up_at is null`),
		// The storm check: how many messages a channel got within the last minute.
		index('alert_outbox_recent_idx').on(t.channelId, t.createdAt),
		// One test message waits per channel: presses at once queue one (alerts/channels.ts).
		uniqueIndex('alert_outbox_one_test_idx')
			.on(t.channelId)
			.where(sql`kind = 'test' and delivered_at is null and gave_up_at is null`)
	]
);

/** Every delivery attempt: its answer (HTTP status or error) and how long it took. */
export const alertDeliveries = pgTable(
	'alert_deliveries',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		outboxId: bigint('outbox_id', { mode: 'number' })
			.notNull()
			.references(() => alertOutbox.id, { onDelete: 'cascade' }),
		at: tstz('at').notNull().defaultNow(),
		statusCode: integer('status_code'),
		error: text('error'),
		durationMs: integer('duration_ms').notNull()
	},
	(t) => [index('alert_deliveries_outbox_idx').on(t.outboxId)]
);
