import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { checkDays, checkHours, checks, monitorState, statusChanges } from '../schema';
import { dayKey, hourBucket, rollupDelta, type RollupDelta } from '../../rollup';
import type { MonitorStatus, Ping } from '../../types';
import { latencyProblem } from '../../eval/latency.js';

export interface CheckInput {
	monitorId: number;
	/** The scheduled slot this check belongs to (its identity). */
	ts: Date;
	status: MonitorStatus;
	latency: number;
	pings: Ping[];
	error?: string | null;
}

/**
 * Writes one check and its rollups in one transaction. The first write of a
 * slot wins: a second write of the same (monitor, slot), from a restart or
 * another worker, changes nothing and returns false, so rollups never count
 * a slot twice.
 */
export async function recordCheck(db: Db, input: CheckInput, timeZone: string): Promise<boolean> {
	// The eval already refuses these; this is the last line before the float8
	// rollups, whatever produced the check. Recorded DOWN with the cause, not clamped.
	const problem = latencyProblem(input.latency);
	if (problem) input = { ...input, status: 'DOWN', latency: 0, error: `latency ${input.latency} ms: ${problem}` };
	return db.transaction(async (tx) => {
		const inserted = await tx
			.insert(checks)
			.values({
				monitorId: input.monitorId,
				ts: input.ts,
				status: input.status,
				latency: input.latency,
				pings: input.pings,
				error: input.error ?? null
			})
			.onConflictDoNothing()
			.returning({ ts: checks.ts });
		if (inserted.length === 0) return false;

		const delta = rollupDelta(input.status, input.latency);
		await addToRollups(tx, input.monitorId, hourBucket(input.ts), dayKey(input.ts, timeZone), delta);
		await updateState(tx, input);
		return true;
	});
}

/** Upserts one delta into the hour and day rollups (also used by the demo seeder, in bulk). */
export async function addToRollups(
	tx: Tx,
	monitorId: number,
	bucket: Date,
	day: string,
	d: RollupDelta
): Promise<void> {
	await tx
		.insert(checkHours)
		.values({ monitorId, bucket, ...d })
		.onConflictDoUpdate({ target: [checkHours.monitorId, checkHours.bucket], set: rollupSet('check_hours') });
	await tx
		.insert(checkDays)
		.values({ monitorId, day, ...d })
		.onConflictDoUpdate({ target: [checkDays.monitorId, checkDays.day], set: rollupSet('check_days') });
}

/** ON CONFLICT set-clause adding the excluded row's counts to the stored ones. */
export function rollupSet(table: 'check_hours' | 'check_days') {
	const t = sql.identifier(table);
	const add = (c: string) => sql`${t}.${sql.identifier(c)} + excluded.${sql.identifier(c)}`;
	return {
		up: add('up'),
		degraded: add('degraded'),
		down: add('down'),
		maintenance: add('maintenance'),
		latencySum: add('latency_sum'),
		latencyCount: add('latency_count'),
		// least/greatest ignore NULLs in Postgres, which is what we want.
		latencyMin: sql`least(${t}.latency_min, excluded.latency_min)`,
		latencyMax: sql`greatest(${t}.latency_max, excluded.latency_max)`
	};
}

async function updateState(tx: Tx, c: CheckInput) {
	// Only move forward in time: a late write (buffer flush) must not replace a
	// newer "status now". A change of status starts a new `since` and is logged.
	const [prev] = await tx
		.select({ ts: monitorState.ts, status: monitorState.status })
		.from(monitorState)
		.where(eq(monitorState.monitorId, c.monitorId))
		.for('update');
	if (prev && prev.ts >= c.ts) return;
	if (!prev || prev.status !== c.status) {
		await tx
			.insert(statusChanges)
			.values({ monitorId: c.monitorId, ts: c.ts, fromStatus: prev?.status ?? null, toStatus: c.status, error: c.error ?? null })
			.onConflictDoNothing();
	}
	await tx
		.insert(monitorState)
		.values({
			monitorId: c.monitorId,
			ts: c.ts,
			status: c.status,
			latency: c.latency,
			error: c.error ?? null,
			since: c.ts
		})
		.onConflictDoUpdate({
			target: monitorState.monitorId,
			set: {
				ts: sql`excluded.ts`,
				status: sql`excluded.status`,
				latency: sql`excluded.latency`,
				error: sql`excluded.error`,
				since: sql`case when ${monitorState.status} = excluded.status then ${monitorState.since} else excluded.ts end`
			}
		});
}

export async function recentChecks(db: Db, monitorId: number, limit = 50) {
	return db
		.select({
			ts: checks.ts,
			status: checks.status,
			latency: checks.latency,
			error: checks.error
		})
		.from(checks)
		.where(eq(checks.monitorId, monitorId))
		.orderBy(desc(checks.ts))
		.limit(limit);
}

export async function checksBetween(db: Db, monitorId: number, from: Date, to: Date) {
	return db
		.select()
		.from(checks)
		.where(and(eq(checks.monitorId, monitorId), gte(checks.ts, from), lt(checks.ts, to)))
		.orderBy(checks.ts);
}

/** Deletes raw checks older than the retention; rollups stay. Returns rows removed. */
export async function pruneChecks(db: Db, retentionDays: number, now = new Date()): Promise<number> {
	const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
	const removed = await db.delete(checks).where(lt(checks.ts, cutoff)).returning({ ts: checks.ts });
	return removed.length;
}
