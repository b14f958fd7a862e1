import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { slotClaims } from '../schema';

/**
 * True when this worker holds the slot: it inserted the claim first, or had
 * already (claiming again after a monitor edit must not lose our own slot).
 */
export async function claimSlot(db: Db, monitorId: number, ts: Date, workerId: string): Promise<boolean> {
	const won = await db
		.insert(slotClaims)
		.values({ monitorId, ts, workerId })
		.onConflictDoUpdate({
			target: [slotClaims.monitorId, slotClaims.ts],
			set: { claimedAt: sql`excluded.claimed_at` },
			setWhere: sql`${slotClaims.workerId} = excluded.worker_id`
		})
		.returning({ ts: slotClaims.ts });
	return won.length === 1;
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
