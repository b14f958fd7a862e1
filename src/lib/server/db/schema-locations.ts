// Probing from several places (`npm run worker -- --location eu-1`): each
// location's own claim and result per slot, the locations' heartbeats, and
// per-location hour rollups for the latency chart. Without locations these
// tables stay empty and check_results is written exactly as before.
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { monitors, tstz } from './schema-monitors';
import type { Ping } from '../types';

/** Each location worker's heartbeat: a location is live while it was seen recently (queries/locations.ts). */
export const locations = pgTable('locations', {
	name: text('name').primaryKey(),
	lastSeen: tstz('last_seen').notNull().defaultNow()
});

/**
 * Which worker of a location probes a slot: slot_claims keyed by location too.
 * Two workers of one location share its slots as workers share slots without
 * locations; slot_claims itself is then taken by the one that runs the eval.
 */
export const locationClaims = pgTable(
	'location_claims',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		ts: tstz('ts').notNull(),
		location: text('location').notNull(),
		workerId: text('worker_id').notNull(),
		claimedAt: tstz('claimed_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.ts, t.location] }), index('location_claims_ts_idx').on(t.ts)]
);

/**
 * One location's pings for one slot, written once (first write wins). The
 * key's prefix (monitor_id, ts) is the index the eval's read and the chart use.
 * `latency` is the mean of the open pings (null: none open), what the chart draws.
 * Rows older than a day are folded into location_hours (queries/location-results.ts).
 */
export const locationResults = pgTable(
	'location_results',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		ts: tstz('ts').notNull(),
		location: text('location').notNull(),
		latency: doublePrecision('latency'),
		pings: jsonb('pings').$type<Ping[]>().notNull(),
		writtenAt: tstz('written_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.ts, t.location] })]
);

/** Per-location latency of open pings per UTC hour: the 7-90 day charts, once raw rows are folded. */
export const locationHours = pgTable(
	'location_hours',
	{
		monitorId: integer('monitor_id')
			.notNull()
			.references(() => monitors.id, { onDelete: 'cascade' }),
		hour: tstz('hour').notNull(),
		location: text('location').notNull(),
		latencySum: doublePrecision('latency_sum').notNull().default(0),
		latencyCount: integer('latency_count').notNull().default(0),
		latencyMin: doublePrecision('latency_min'),
		latencyMax: doublePrecision('latency_max')
	},
	(t) => [primaryKey({ columns: [t.monitorId, t.hour, t.location] })]
);
