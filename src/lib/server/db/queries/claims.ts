import { lt } from 'drizzle-orm';
import type { Db } from '../index';
import { slotClaims } from '../schema';

/** True when this worker won the slot (the first insert wins; see slotClaims). */
export async function claimSlot(db: Db, monitorId: number, ts: Date, workerId: string): Promise<boolean> {
	const won = await db
		.insert(slotClaims)
		.values({ monitorId, ts, workerId })
		.onConflictDoNothing()
		.returning({ ts: slotClaims.ts });
	return won.length === 1;
}

/** Claims are only needed while a slot is in flight; keep a day for debugging. */
export async function pruneClaims(db: Db, olderThan: Date): Promise<number> {
	const removed = await db.delete(slotClaims).where(lt(slotClaims.ts, olderThan)).returning({ ts: slotClaims.ts });
	return removed.length;
}
