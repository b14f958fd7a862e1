import {
	bigint,
	bigserial,
	boolean,
	customType,
	date,
	doublePrecision,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { Host, MonitorStatus } from '../types';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const monitors = pgTable('monitors', {
	id: serial('id').primaryKey(),
	// URL slug; renameable, so every foreign key points at id instead.
	tag: text('tag').notNull().unique(),
	name: text('name').notNull(),
	description: text('description').notNull().default(''),
	type: text('type').notNull().default('TCP'),
	typeData: jsonb('type_data').$type<{ hosts: Host[] }>().notNull(),
	// null = the spec's default function.
	evalSource: text('eval'),
	cron: text('cron').notNull().default('* * * * *'),
	isPublic: boolean('public').notNull().default(true),
	active: boolean('active').notNull().default(true),
	showHosts: boolean('show_hosts').notNull().default(false),
	groupName: text('group_name'),
	sortOrder: integer('sort_order').notNull().default(0),
	createdAt: tstz('created_at').notNull().defaultNow(),
	// Bumped by every Drizzle update: the scheduler's change detection relies on it.
	updatedAt: tstz('updated_at')
		.notNull()
		.defaultNow()
		.$onUpdate(() => new Date())
});

/** Whole seconds since 2020-01-01T00:00:00Z: 4 bytes instead of 8, good until 2088. */
export const SLOT_EPOCH_MS = Date.UTC(2020, 0, 1);
const slotTime = customType<{ data: Date; driverData: number }>({
	dataType: () => 'integer',
	toDriver: (d) => Math.floor((d.getTime() - SLOT_EPOCH_MS) / 1000),
	fromDriver: (s) => new Date(SLOT_EPOCH_MS + Number(s) * 1000)
});

/** A check's status as a smallint (UP 0, DEGRADED 1, DOWN 2, MAINTENANCE 3); Drizzle maps both ways. */
export const STATUS_CODES: Record<MonitorStatus, number> = { UP: 0, DEGRADED: 1, DOWN: 2, MAINTENANCE: 3 };
const STATUS_NAMES = Object.keys(STATUS_CODES) as MonitorStatus[];
const checkStatus = customType<{ data: MonitorStatus; driverData: number }>({
	dataType: () => 'smallint',
	toDriver: (s) => {
		const code = STATUS_CODES[s];
		if (code === undefined) throw new Error(`not a check status: ${s}`);
		return code;
	},
	fromDriver: (c) => STATUS_NAMES[Number(c)]
});

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Raw checks, one row per monitor per scheduled slot; the first write of a
 * slot wins. Packed to ~60 bytes a row: slot as int seconds,
 * status as smallint, and the per-host results as a small
 * blob (queries/ping-codec.ts) keyed to check_host_lists. The primary key is
 * the only index: every read is one monitor's time range, and retention
 * deletes per monitor through it too. Only recent hours (and late writes)
 * stay here: compaction moves closed hours into check_blocks.
 */
export const checks = pgTable(
	'check_results',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		ts: slotTime('ts').notNull(),
		latency: doublePrecision('latency').notNull(),
		status: checkStatus('status').notNull(),
		/** Packed per-host results: decode with the checks query module, never read directly. */
		hosts: bytea('hosts').notNull(),
		error: text('error')
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.ts] })]
);

/**
 * Closed hours of raw checks, one row per monitor per UTC hour:
 * the compaction step (queries/checks.ts, compactChecks) moves each hour out
 * of check_results once no write can reach it any more, packed by
 * queries/block-codec.ts (slot offsets, status, latency, error, and each
 * check's per-host blob as check_results held it). One row an hour instead
 * of sixty spares the per-row header, item pointer and index entry that
 * dominated a raw row. `hour` is the hour's first second, like check_results.ts.
 */
export const checkBlocks = pgTable(
	'check_blocks',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		hour: slotTime('hour').notNull(),
		/** Checks in the block. */
		count: integer('count').notNull(),
		/** Packed checks: decode with the checks query module, never read directly. */
		data: bytea('data').notNull()
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.hour] })]
);

/** The host list (host, port, type per host, in probe order) a monitor's checks were probed with, by version. */
export const checkHostLists = pgTable(
	'check_host_lists',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		hosts: jsonb('hosts').$type<{ host: string; port: number; type: Host['type'] }[]>().notNull(),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.version] })]
);

/** Addresses dialled that are not the host itself (resolved names), stored once. */
export const pingAddresses = pgTable('ping_addresses', {
	id: serial('id').primaryKey(),
	address: text('address').notNull().unique()
});

// Rollups: counts per status and latency stats over UP/DEGRADED checks (a DOWN
// check's latency says nothing about the service). Pages read these.
const rollupColumns = () => ({
	monitorId: integer('monitor_id')
		.notNull()
		.references(() => monitors.id, { onDelete: 'cascade' }),
	up: integer('up').notNull().default(0),
	degraded: integer('degraded').notNull().default(0),
	down: integer('down').notNull().default(0),
	maintenance: integer('maintenance').notNull().default(0),
	latencySum: doublePrecision('latency_sum').notNull().default(0),
	latencyCount: integer('latency_count').notNull().default(0),
	latencyMin: doublePrecision('latency_min'),
	latencyMax: doublePrecision('latency_max')
});

/** Hour buckets, cut on UTC hours. */
export const checkHours = pgTable(
	'check_hours',
	{ ...rollupColumns(), bucket: tstz('bucket').notNull() },
	// The bucket index serves "all monitors over the last 24 h" without a full scan.
	(t) => [primaryKey({ columns: [t.monitorId, t.bucket] }), index('check_hours_bucket_idx').on(t.bucket)]
);

/** Day buckets, cut at midnight in the site's time zone (SITE_TIMEZONE). */
export const checkDays = pgTable('check_days', { ...rollupColumns(), day: date('day', { mode: 'string' }).notNull() }, (t) => [
	primaryKey({ columns: [t.monitorId, t.day] }),
	index('check_days_day_idx').on(t.day)
]);

/** The latest check of each monitor, so "status now" never scans checks. */
export const monitorState = pgTable('monitor_state', {
	monitorId: integer('monitor_id')
		.primaryKey()
		.references(() => monitors.id, { onDelete: 'cascade' }),
	ts: tstz('ts').notNull(),
	status: text('status').notNull(),
	latency: doublePrecision('latency').notNull(),
	error: text('error'),
	// When the current status began: "Down since 03:41".
	since: tstz('since').notNull()
});

export type MonitorRow = typeof monitors.$inferSelect;
export type NewMonitorRow = typeof monitors.$inferInsert;
export type CheckRow = typeof checks.$inferSelect;

/** Each time a monitor's status changed (from the latest check's point of view): the monitor page's change list. */
export const statusChanges = pgTable(
	'status_changes',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		/** Slot of the first check with the new status. */
		ts: tstz('ts').notNull(),
		fromStatus: text('from_status'),
		toStatus: text('to_status').notNull(),
		error: text('error')
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.ts] })]
);

// ---- Admin access -------------------------------------------------------

export const admins = pgTable('admins', {
	id: serial('id').primaryKey(),
	/** Stored lower-cased. */
	email: text('email').notNull().unique(),
	name: text('name').notNull().default(''),
	/** argon2id PHC string. */
	passwordHash: text('password_hash').notNull(),
	createdAt: tstz('created_at').notNull().defaultNow(),
	updatedAt: tstz('updated_at').notNull().defaultNow()
});

/** Sessions: only the SHA-256 of the cookie token is stored. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		adminId: integer('admin_id')
			.notNull()
			.references(() => admins.id, { onDelete: 'cascade' }),
		expiresAt: tstz('expires_at').notNull(),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [index('sessions_admin_idx').on(t.adminId)]
);

/** API keys: shown once, stored as SHA-256; scope "read" or "write". */
export const apiKeys = pgTable('api_keys', {
	id: serial('id').primaryKey(),
	name: text('name').notNull(),
	/** The first characters of the key, to tell keys apart in lists. */
	prefix: text('prefix').notNull(),
	keyHash: text('key_hash').notNull().unique(),
	scope: text('scope').notNull(),
	createdBy: integer('created_by').references(() => admins.id, { onDelete: 'set null' }),
	createdAt: tstz('created_at').notNull().defaultNow(),
	lastUsedAt: tstz('last_used_at'),
	revokedAt: tstz('revoked_at')
});

/** One-time links that create the first admin; only a hash is stored. */
export const setupTokens = pgTable('setup_tokens', {
	tokenHash: text('token_hash').primaryKey(),
	createdAt: tstz('created_at').notNull().defaultNow(),
	usedAt: tstz('used_at')
});

/** Failed sign-ins per key ("email:…" or "ip:…"), for throttling across processes. */
export const loginThrottle = pgTable('login_throttle', {
	key: text('key').primaryKey(),
	failures: integer('failures').notNull().default(0),
	windowStart: tstz('window_start').notNull().defaultNow(),
	lockedUntil: tstz('locked_until')
});

/**
 * Which process probes a slot. Every probe loop schedules every monitor; the
 * first to insert a slot's claim probes it, the others skip it. So several
 * workers on one Postgres never probe a slot twice, and when one dies the
 * others simply win its next slots: no leases to expire, no coordinator.
 */
export const slotClaims = pgTable(
	'slot_claims',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		ts: tstz('ts').notNull(),
		workerId: text('worker_id').notNull(),
		claimedAt: tstz('claimed_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.ts] }), index('slot_claims_ts_idx').on(t.ts)]
);

// ---- Incidents and maintenance -------------------------------------------

/** An incident the team posts: its state moves with each update; impact and states are Statuspage's words. */
export const incidents = pgTable(
	'incidents',
	{
		id: serial('id').primaryKey(),
		title: text('title').notNull(),
		/** none, minor, major or critical. */
		impact: text('impact').notNull(),
		/** investigating, identified, monitoring or resolved: the latest update's state. */
		state: text('state').notNull(),
		startedAt: tstz('started_at').notNull(),
		resolvedAt: tstz('resolved_at'),
		/** Markdown, or null. */
		postmortem: text('postmortem'),
		createdAt: tstz('created_at').notNull().defaultNow(),
		// Bumped by every write to the incident or its updates: the notices cache polls it.
		updatedAt: tstz('updated_at').notNull().defaultNow()
	},
	(t) => [index('incidents_started_idx').on(t.startedAt)]
);

/** The monitors an incident affects, each with its own impact. */
export const incidentMonitors = pgTable(
	'incident_monitors',
	{
		incidentId: integer('incident_id')
			.notNull()
			.references(() => incidents.id, { onDelete: 'cascade' }),
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		impact: text('impact').notNull()
	},
	(t) => [primaryKey({ columns: [t.incidentId, t.monitorId] }), index('incident_monitors_monitor_idx').on(t.monitorId)]
);

/** An incident's timeline: each update moves the state and says why, in Markdown. */
export const incidentUpdates = pgTable(
	'incident_updates',
	{
		id: serial('id').primaryKey(),
		incidentId: integer('incident_id')
			.notNull()
			.references(() => incidents.id, { onDelete: 'cascade' }),
		state: text('state').notNull(),
		body: text('body').notNull(),
		createdAt: tstz('created_at').notNull().defaultNow(),
		/** Set when the update was edited after posting. */
		updatedAt: tstz('updated_at'),
		/** Who posted it: an admin's email or an API key's name. */
		author: text('author')
	},
	(t) => [index('incident_updates_incident_idx').on(t.incidentId, t.createdAt)]
);

/**
 * Scheduled maintenance. The window is kept as validated
 * (maintenance/recurrence.ts: one-off start and end, or an RRULE with a
 * duration in an IANA zone); first_start and last_end (null: no end) are
 * derived from it for range queries. Cancelled occurrences and a manual end
 * are separate columns because they change after the window is saved.
 */
export const maintenances = pgTable(
	'maintenances',
	{
		id: serial('id').primaryKey(),
		title: text('title').notNull(),
		/** Markdown. */
		description: text('description').notNull().default(''),
		window: jsonb('window').$type<Record<string, unknown>>().notNull(),
		firstStart: tstz('first_start').notNull(),
		lastEnd: tstz('last_end'),
		/** Start instants (ISO) of occurrences cancelled one at a time. */
		cancelled: jsonb('cancelled').$type<string[]>().notNull().default([]),
		/** "End now" on a one-off window: it stops here (before its start: it never happens). */
		endedAt: tstz('ended_at'),
		/** "End now" on occurrences of a recurring window: each occurrence's start and where it was cut short (ISO). */
		cuts: jsonb('cuts').$type<{ start: string; end: string }[]>().notNull().default([]),
		createdAt: tstz('created_at').notNull().defaultNow(),
		updatedAt: tstz('updated_at').notNull().defaultNow()
	},
	(t) => [index('maintenances_first_start_idx').on(t.firstStart)]
);

export const maintenanceMonitors = pgTable(
	'maintenance_monitors',
	{
		maintenanceId: integer('maintenance_id')
			.notNull()
			.references(() => maintenances.id, { onDelete: 'cascade' }),
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.maintenanceId, t.monitorId] }), index('maintenance_monitors_monitor_idx').on(t.monitorId)]
);

// ---- Alerts ------------------------------------------------------------------

/** Where alerts go. Only 'webhook' so far; `config` holds what the type needs (secrets included: never shown back in full). */
export const alertChannels = pgTable('alert_channels', {
	id: serial('id').primaryKey(),
	name: text('name').notNull().unique(),
	type: text('type').notNull(),
	config: jsonb('config').$type<{ url: string; secret: string }>().notNull(),
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
	lastTs: tstz('last_ts')
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
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		/** 'down' or 'recovered'. */
		kind: text('kind').notNull(),
		idempotencyKey: text('idempotency_key').notNull().unique(),
		payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
		createdAt: tstz('created_at').notNull().defaultNow(),
		nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
		attempts: integer('attempts').notNull().default(0),
		deliveredAt: tstz('delivered_at'),
		/** Set when retries stopped (past the give-up age): no longer holds back later messages. */
		gaveUpAt: tstz('gave_up_at'),
		lastError: text('last_error')
	},
	// The sender's scan (what is pending, by due time) and its per-monitor
	// order check (an earlier pending row of the same channel and monitor).
	(t) => [
		index('alert_outbox_pending_idx')
			.on(t.nextAttemptAt)
			.where(sql`delivered_at is null and gave_up_at is null`),
		index('alert_outbox_queue_idx')
			.on(t.channelId, t.monitorId, t.id)
			.where(sql`delivered_at is null and gave_up_at is null`)
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
