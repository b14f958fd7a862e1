import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { slotClaims } from '../schema';

/**
 * Claims many slots in one statement (arming a thousand monitors at start
 * must not be a thousand round trips). Returns the "monitorId@epochMs" keys
 * this worker holds: it inserted the claim first, or had already (claiming
 * again after a monitor edit must not lose our own slot).
 */
export async function claimSlots(db: Db, slots: { monitorId: number; ts: Date }[], workerId: string): Promise<Set<string>> {
	// One slot twice in a statement is an error in PostgreSQL ("ON CONFLICT DO
	// UPDATE command cannot affect row a second time"): a monitor edited while
	// its slot's claim was pending arms that slot again within the same batch.
	const unique = new Map<string, { monitorId: number; ts: Date }>();
	for (const s of slots) unique.set(`${s.monitorId}@${s.ts.getTime()}`, s);
	if (unique.size === 0) return new Set();
	const won = await db
		.insert(slotClaims)
		.values([...unique.values()].map((s) => ({ monitorId: s.monitorId, ts: s.ts, workerId })))
		.onConflictDoUpdate({
			target: [slotClaims.monitorId, slotClaims.ts],
			set: { claimedAt: sql`excluded.claimed_at` },
			setWhere: sql`${slotClaims.workerId} = excluded.worker_id`
		})
		.returning({ monitorId: slotClaims.monitorId, ts: slotClaims.ts });
	return new Set(won.map((w) => `${w.monitorId}@${w.ts.getTime()}`));
}

/** Gives back a stopping worker's claims on slots still ahead, so a restart or another worker can take them. */
export async function releaseFutureClaims(db: Db, workerId: string, now = new Date()): Promise<number> {
	const r = await db
		.delete(slotClaims)
		.where(and(eq(slotClaims.workerId, workerId), gt(slotClaims.ts, now)))
		.returning({ ts: slotClaims.ts });
	return r.length;
}

/** Claims are only needed while a slot is in flight; keep a day for debugging. */
export async function pruneClaims(db: Db, olderThan: Date): Promise<number> {
	const removed = await db.delete(slotClaims).where(lt(slotClaims.ts, olderThan)).returning({ ts: slotClaims.ts });
	return removed.length;
}
