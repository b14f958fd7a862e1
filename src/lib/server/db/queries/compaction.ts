// Compaction of raw checks (check_results) into one check_blocks row per
// monitor per closed hour, and retention of both. Readers that merge the two
// are in checks.ts.
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { checkBlocks, checks, monitors } from '../schema';
import { decodeBlock, encodeBlock } from './block-codec';
import { fromBlock, HOUR_MS, merge, slotOf, type Stored } from './checks';
import { hourBucket } from '../../../time';

// ---- Compaction: closed hours into check_blocks ----

/** Advisory lock namespace of compaction (with the monitor id): one compaction per monitor at a time. */
const COMPACT_LOCK = 0x11_03_b1;

export interface CompactOptions {
	now?: Date;
	/**
	 * Raw rows stay while a write may still reach their hour: hours that ended
	 * at least this long before `now` are packed (default 2 h; the scheduler
	 * passes the outage buffer's span plus an hour when that is longer).
	 */
	keepMs?: number;
	/** Hours packed per transaction (default 24). */
	batchHours?: number;
}

/**
 * Packs every monitor's raw checks of closed hours into check_blocks, one
 * transaction per monitor and batch: the raw rows are deleted (and returned)
 * by the same statement that reads them, merged into the hour's block (a late
 * row of an hour already packed joins its block) and the blocks upserted.
 * Idempotent; a transaction-scoped advisory lock per monitor makes a second
 * process wait rather than merge the same block. A check written meanwhile is
 * never lost: either its row was there when the delete ran (then it is in the
 * block) or it stays raw for the next run.
 */
export async function compactChecks(db: Db, opts: CompactOptions = {}): Promise<{ blocks: number; checks: number }> {
	const now = opts.now ?? new Date();
	const cutoff = hourBucket(new Date(now.getTime() - (opts.keepMs ?? 2 * HOUR_MS)));
	const span = (opts.batchHours ?? 24) * HOUR_MS;
	const total = { blocks: 0, checks: 0 };
	const ids = (await db.select({ id: monitors.id }).from(monitors)).map((m) => m.id);
	for (const id of ids) {
		for (;;) {
			const done = await db.transaction(async (tx) => {
				await tx.execute(sql`select pg_advisory_xact_lock(${COMPACT_LOCK}::int4, ${id}::int4)`);
				const [first] = await tx
					.select({ ts: checks.ts })
					.from(checks)
					.where(and(eq(checks.monitorId, id), lt(checks.ts, cutoff)))
					.orderBy(asc(checks.ts))
					.limit(1);
				if (!first) return null;
				const from = hourBucket(first.ts);
				const to = new Date(Math.min(cutoff.getTime(), from.getTime() + span));
				const rows = (await tx
					.delete(checks)
					.where(and(eq(checks.monitorId, id), gte(checks.ts, from), lt(checks.ts, to)))
					.returning()) as (Stored & { monitorId: number })[];
				const byHour = new Map<number, Stored[]>();
				for (const r of rows) {
					const h = hourBucket(r.ts).getTime();
					let list = byHour.get(h);
					if (!list) byHour.set(h, (list = []));
					list.push(r);
				}
				const hours = [...byHour.keys()].map((h) => new Date(h));
				const existing = hours.length
					? await tx
							.select()
							.from(checkBlocks)
							.where(and(eq(checkBlocks.monitorId, id), inArray(checkBlocks.hour, hours)))
							.for('update')
					: [];
				const old = new Map(existing.map((b) => [b.hour.getTime(), decodeBlock(slotOf(b.hour), b.data).map(fromBlock)]));
				const values = [...byHour].map(([h, raw]) => {
					const all = merge(raw, old.get(h) ?? []);
					const hour = slotOf(new Date(h));
					const data = encodeBlock(
						hour,
						all.map((c) => ({ t: slotOf(c.ts), status: c.status, latency: c.latency, hosts: c.hosts, error: c.error }))
					);
					return { monitorId: id, hour: new Date(h), count: all.length, data };
				});
				for (let i = 0; i < values.length; i += 100)
					await tx
						.insert(checkBlocks)
						.values(values.slice(i, i + 100))
						.onConflictDoUpdate({
							target: [checkBlocks.monitorId, checkBlocks.hour],
							set: { count: sql`excluded.count`, data: sql`excluded.data` }
						});
				return { blocks: values.length, checks: rows.length };
			});
			if (!done) break;
			total.blocks += done.blocks;
			total.checks += done.checks;
		}
	}
	return total;
}

/**
 * Deletes checks older than the retention; rollups stay. Raw rows go by
 * slot, blocks whole (a block goes once its last second is past the cutoff).
 * Returns the checks removed.
 */
export async function pruneChecks(db: Db, retentionDays: number, now = new Date()): Promise<number> {
	const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
	// Per monitor through the primary keys (there is no index on ts alone).
	const ids = (await db.select({ id: monitors.id }).from(monitors)).map((m) => m.id);
	if (ids.length === 0) return 0;
	const count = async (q: ReturnType<typeof sql>) => {
		const r = await db.execute<{ n: number }>(q);
		const rows = (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows) as { n: number }[];
		return Number(rows[0]?.n ?? 0);
	};
	const raw = await count(
		sql`with d as (delete from ${checks} where ${inArray(checks.monitorId, ids)} and ${lt(checks.ts, cutoff)} returning 1) select count(*)::int as n from d`
	);
	const blocked = await count(
		sql`with d as (delete from ${checkBlocks} where ${inArray(checkBlocks.monitorId, ids)} and ${checkBlocks.hour} + 3600 <= ${slotOf(cutoff)} returning count) select coalesce(sum(count), 0)::int as n from d`
	);
	return raw + blocked;
}
