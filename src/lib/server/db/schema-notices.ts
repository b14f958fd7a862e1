// Incidents and scheduled maintenance.
import { index, integer, jsonb, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core';
import { monitors, tstz } from './schema-monitors';

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
