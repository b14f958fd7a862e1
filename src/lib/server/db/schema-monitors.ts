// Monitors, their checks, rollups, state and status changes, and the probe
// loops' slot claims: what the probe loop writes and the pages read.
import {
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
import type { Host, MonitorStatus } from '../types';

/** A timestamptz column read as a Date (the other schema files use it too). */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

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
	// Alert settings (alert-types.ts MonitorAlertSettings).
	alertDown: integer('alert_down').notNull().default(2),
	alertUp: integer('alert_up').notNull().default(2),
	alertDegraded: boolean('alert_degraded').notNull().default(false),
	alertRemindMinutes: integer('alert_remind_minutes'),
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
