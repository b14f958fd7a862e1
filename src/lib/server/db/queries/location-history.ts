// Per-location latency over time: the monitor page's one-line-per-location
// chart, and the ageing of location_results. Raw rows stay a day and an hour
// (the 24 h chart reads them, and a late location still finds its slot);
// older ones are folded into location_hours, which retention then ages out
// like the checks.
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { locationHours, locationResults, monitors } from '../schema';
import { HOUR_MS } from './checks';

/** How long raw location rows stay before they are folded into hours. */
export const LOCATION_RAW_KEEP_MS = 25 * HOUR_MS;

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

/**
 * Folds raw location rows older than LOCATION_RAW_KEEP_MS (to the hour) into
 * location_hours: one statement deletes them and adds them to their hours,
 * so a row is counted once however often this runs, and a late row of a
 * folded hour joins it. Returns the rows folded.
 */
export async function foldLocationResults(db: Db, now = new Date()): Promise<number> {
	const cutoff = new Date(Math.floor((now.getTime() - LOCATION_RAW_KEEP_MS) / HOUR_MS) * HOUR_MS);
	// Per monitor through the primary key (there is no index on ts alone).
	const ids = (await db.select({ id: monitors.id }).from(monitors)).map((m) => m.id);
	if (ids.length === 0) return 0;
	const r = await db.execute(sql`
		with moved as (
			delete from ${locationResults}
			where ${inArray(locationResults.monitorId, ids)} and ${lt(locationResults.ts, cutoff)}
			returning monitor_id, ts, location, latency
		), folded as (
			insert into ${locationHours} (monitor_id, hour, location, latency_sum, latency_count, latency_min, latency_max)
			select monitor_id, to_timestamp(floor(extract(epoch from ts) / 3600) * 3600), location,
				coalesce(sum(latency), 0), count(latency)::int, min(latency), max(latency)
			from moved group by 1, 2, 3
			on conflict (monitor_id, hour, location) do update set
				latency_sum = location_hours.latency_sum + excluded.latency_sum,
				latency_count = location_hours.latency_count + excluded.latency_count,
				latency_min = least(location_hours.latency_min, excluded.latency_min),
				latency_max = greatest(location_hours.latency_max, excluded.latency_max)
			returning 1
		)
		select (select count(*) from moved)::int as n`);
	return Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0);
}

/** Deletes location hours older than the retention (the checks' retention). */
export async function pruneLocationHours(db: Db, retentionDays: number, now = new Date()): Promise<number> {
	const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
	const ids = (await db.select({ id: monitors.id }).from(monitors)).map((m) => m.id);
	if (ids.length === 0) return 0;
	const r = await db
		.delete(locationHours)
		.where(and(inArray(locationHours.monitorId, ids), lt(locationHours.hour, cutoff)))
		.returning({ hour: locationHours.hour });
	return r.length;
}

/** One location's latency at one slot (null: no open ping there). */
export interface LocationPoint {
	ts: Date;
	location: string;
	latency: number | null;
}

/** One monitor's raw location rows since `from`, oldest first. */
export async function locationPointsSince(db: Db, monitorId: number, from: Date): Promise<LocationPoint[]> {
	return db
		.select({ ts: locationResults.ts, location: locationResults.location, latency: locationResults.latency })
		.from(locationResults)
		.where(and(eq(locationResults.monitorId, monitorId), gte(locationResults.ts, from)))
		.orderBy(locationResults.ts, locationResults.location);
}

/** One location's latency over one UTC hour. */
export interface LocationHour {
	hour: Date;
	location: string;
	latencySum: number;
	latencyCount: number;
}

/** Hours since `from`: the folded ones and the raw rows not folded yet, summed per hour and location. */
export async function locationHoursSince(db: Db, monitorId: number, from: Date): Promise<LocationHour[]> {
	const [folded, raw] = await Promise.all([
		db
			.select({
				hour: locationHours.hour,
				location: locationHours.location,
				latencySum: locationHours.latencySum,
				latencyCount: locationHours.latencyCount
			})
			.from(locationHours)
			.where(and(eq(locationHours.monitorId, monitorId), gte(locationHours.hour, from))),
		db.execute(sql`
			select to_timestamp(floor(extract(epoch from ts) / 3600) * 3600) as hour, location,
				coalesce(sum(latency), 0)::float8 as latency_sum, count(latency)::int as latency_count
			from ${locationResults}
			where ${eq(locationResults.monitorId, monitorId)} and ${gte(locationResults.ts, from)}
			group by 1, 2`)
	]);
	const by = new Map<string, LocationHour>();
	const add = (h: LocationHour) => {
		const key = `${h.hour.getTime()}|${h.location}`;
		const prev = by.get(key);
		if (prev) {
			prev.latencySum += h.latencySum;
			prev.latencyCount += h.latencyCount;
		} else by.set(key, { ...h });
	};
	folded.forEach(add);
	for (const r of rowsOf<{ hour: Date | string; location: string; latency_sum: number; latency_count: number }>(raw)) {
		add({ hour: new Date(r.hour), location: r.location, latencySum: Number(r.latency_sum), latencyCount: Number(r.latency_count) });
	}
	return [...by.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime() || a.location.localeCompare(b.location));
}
