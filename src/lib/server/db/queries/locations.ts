// Probing from several places: heartbeats, per-location slot claims and the
// per-location results of a slot. Which location runs the slot's eval, and
// when, is decided in probe/locations.ts; the check itself goes through
// recordCheck and slot_claims as without locations.
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { locationClaims, locationResults, locations } from '../schema';
import type { Ping } from '../../types';

/** Marks a location as live now (database time, so the workers' clocks need not agree). */
export async function heartbeat(db: Db, name: string): Promise<void> {
	await db
		.insert(locations)
		.values({ name, lastSeen: sql`now()` })
		.onConflictDoUpdate({ target: locations.name, set: { lastSeen: sql`now()` } });
}

/** Whether any located worker ever ran on this database (its heartbeat row is never deleted). */
export async function anyLocation(db: Db): Promise<boolean> {
	const [row] = await db
		.select({ one: sql<number>`1` })
		.from(locations)
		.limit(1);
	return row !== undefined;
}

/** Every location with how long ago it was last seen (database time), by name. */
export async function locationAges(db: Db): Promise<{ name: string; ageMs: number }[]> {
	const rows = await db
		.select({ name: locations.name, ageMs: sql<number>`(extract(epoch from now() - ${locations.lastSeen}) * 1000)::float8` })
		.from(locations)
		.orderBy(locations.name);
	return rows.map((r) => ({ name: r.name, ageMs: Number(r.ageMs) }));
}

/**
 * claimSlots (claims.ts) for one location: the "monitorId@epochMs" keys this
 * worker holds. Workers of other locations claim the same slots independently.
 */
export async function claimLocationSlots(
	db: Db,
	slots: { monitorId: number; ts: Date }[],
	location: string,
	workerId: string
): Promise<Set<string>> {
	const unique = new Map<string, { monitorId: number; ts: Date }>();
	for (const s of slots) unique.set(`${s.monitorId}@${s.ts.getTime()}`, s);
	if (unique.size === 0) return new Set();
	const won = await db
		.insert(locationClaims)
		.values([...unique.values()].map((s) => ({ monitorId: s.monitorId, ts: s.ts, location, workerId })))
		.onConflictDoUpdate({
			target: [locationClaims.monitorId, locationClaims.ts, locationClaims.location],
			set: { claimedAt: sql`excluded.claimed_at` },
			setWhere: sql`${locationClaims.workerId} = excluded.worker_id`
		})
		.returning({ monitorId: locationClaims.monitorId, ts: locationClaims.ts });
	return new Set(won.map((w) => `${w.monitorId}@${w.ts.getTime()}`));
}

/** Gives back a stopping worker's location claims on slots still ahead. */
export async function releaseFutureLocationClaims(db: Db, workerId: string, now = new Date()): Promise<number> {
	const r = await db
		.delete(locationClaims)
		.where(and(eq(locationClaims.workerId, workerId), gt(locationClaims.ts, now)))
		.returning({ ts: locationClaims.ts });
	return r.length;
}

export async function pruneLocationClaims(db: Db, olderThan: Date): Promise<number> {
	const r = await db.delete(locationClaims).where(lt(locationClaims.ts, olderThan)).returning({ ts: locationClaims.ts });
	return r.length;
}

/** Mean latency of the open pings, null when none is open: what a location's chart line draws. */
export function openLatency(pings: readonly Ping[]): number | null {
	const open = pings.filter((p) => p.status === 'open' && Number.isFinite(p.latency));
	return open.length ? open.reduce((a, p) => a + p.latency, 0) / open.length : null;
}

/** Stores one location's pings of a slot; false when that location had already written the slot (first write wins). */
export async function writeLocationResult(db: Db, r: { monitorId: number; ts: Date; location: string; pings: Ping[] }): Promise<boolean> {
	const inserted = await db
		.insert(locationResults)
		.values({ monitorId: r.monitorId, ts: r.ts, location: r.location, latency: openLatency(r.pings), pings: r.pings })
		.onConflictDoNothing()
		.returning({ ts: locationResults.ts });
	return inserted.length > 0;
}

export interface LocationResult {
	location: string;
	pings: Ping[];
}

/** Every location's pings of one slot, by location name. */
export async function slotResults(db: Db, monitorId: number, ts: Date): Promise<LocationResult[]> {
	return db
		.select({ location: locationResults.location, pings: locationResults.pings })
		.from(locationResults)
		.where(and(eq(locationResults.monitorId, monitorId), eq(locationResults.ts, ts)))
		.orderBy(locationResults.location);
}
