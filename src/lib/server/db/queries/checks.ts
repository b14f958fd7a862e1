// Raw checks: writing one (with its rollups and the monitor's state) and
// reading them back from raw rows and compacted hour blocks alike.
// Compaction and retention: compaction.ts; host lists and addresses: check-hosts.ts.
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { checkBlocks, checkDays, checkHours, checks, monitorState, SLOT_EPOCH_MS, statusChanges } from '../schema';
import { addressesOf, encodePings, hostKeys } from './ping-codec';
import { decodeBlock, type BlockCheck } from './block-codec';
import { dayKey, hourBucket } from '../../../time';
import { rollupDelta, type RollupDelta } from './rollup';
import type { MonitorStatus, Ping } from '../../types';
import { latencyProblem } from '../../latency';
import { addressIds, cacheOf, hostListVersion, unpack } from './check-hosts';

export { forgetCheckCaches } from './check-hosts';

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
 * Runs inside recordCheck's transaction after a new check is written (never
 * for a duplicate slot): the alert step (alerts/record.ts), so its state and
 * messages commit with the check. Passed in, so this module needs no alerts code.
 * Resolves true when it queued messages: the caller wakes the sender once
 * recordCheck has returned (committed), not before, or the sender would not see them.
 */
export type AfterCheck = (tx: Tx, input: CheckInput) => Promise<boolean | void>;

/**
 * Writes one check and its rollups in one transaction. The first write of a
 * slot wins: a second write of the same (monitor, slot), from a restart or
 * another worker, changes nothing and returns false, so rollups never count
 * a slot twice.
 */
export async function recordCheck(db: Db, input: CheckInput, timeZone: string, afterCheck?: AfterCheck): Promise<boolean> {
	// The eval already refuses these; this is the last line before the float8
	// rollups, whatever produced the check. Recorded DOWN with the cause, not clamped.
	const problem = latencyProblem(input.latency);
	if (problem) input = { ...input, status: 'DOWN', latency: 0, error: `latency ${input.latency} ms: ${problem}` };
	// Outside the transaction: both are idempotent, and a list or address
	// stored for a write that then fails is harmless (and cached only once stored).
	const c = cacheOf(db);
	const version = await hostListVersion(db, c, input.monitorId, hostKeys(input.pings));
	await addressIds(db, c, addressesOf(input.pings));
	const hosts = encodePings(version, input.pings, (a) => c.addressId.get(a)!);
	return db.transaction(async (tx) => {
		const inserted = await tx
			.insert(checks)
			.values({
				monitorId: input.monitorId,
				ts: input.ts,
				status: input.status,
				latency: input.latency,
				hosts,
				error: input.error ?? null
			})
			.onConflictDoNothing()
			.returning({ ts: checks.ts });
		if (inserted.length === 0) return false;
		// A slot of an hour already packed into a block (a late duplicate, e.g.
		// a buffer flush after compaction) is taken too: first write wins there as
		// well. Read after the insert, so a compaction that held this slot's raw
		// row has committed (the insert waited for it) and its block is visible.
		if (await inBlock(tx, input.monitorId, input.ts)) {
			await tx.delete(checks).where(and(eq(checks.monitorId, input.monitorId), eq(checks.ts, input.ts)));
			return false;
		}

		const delta = rollupDelta(input.status, input.latency);
		await addToRollups(tx, input.monitorId, hourBucket(input.ts), dayKey(input.ts, timeZone), delta);
		await updateState(tx, input);
		if (afterCheck) await afterCheck(tx, input);
		return true;
	});
}

/**
 * Rows for a bulk insert of checks (the demo seeder): stores their host lists
 * and addresses first, like recordCheck. Writes nothing to checks itself.
 */
export async function packChecks(db: Db, inputs: CheckInput[]): Promise<(typeof checks.$inferInsert)[]> {
	const c = cacheOf(db);
	const out: (typeof checks.$inferInsert)[] = [];
	for (const input of inputs) {
		const version = await hostListVersion(db, c, input.monitorId, hostKeys(input.pings));
		await addressIds(db, c, addressesOf(input.pings));
		out.push({
			monitorId: input.monitorId,
			ts: input.ts,
			status: input.status,
			latency: input.latency,
			hosts: encodePings(version, input.pings, (a) => c.addressId.get(a)!),
			error: input.error ?? null
		});
	}
	return out;
}

/** Upserts one delta into the hour and day rollups (also used by the demo seeder, in bulk). */
export async function addToRollups(tx: Tx, monitorId: number, bucket: Date, day: string, d: RollupDelta): Promise<void> {
	const hours = tx
		.insert(checkHours)
		.values({ monitorId, bucket, ...d })
		.onConflictDoUpdate({ target: [checkHours.monitorId, checkHours.bucket], set: rollupSet('check_hours') });
	const days = tx
		.insert(checkDays)
		.values({ monitorId, day, ...d })
		.onConflictDoUpdate({ target: [checkDays.monitorId, checkDays.day], set: rollupSet('check_days') });
	// One statement, one round trip per check, to keep idle CPU down: the two
	// upserts touch different tables, so as a data-modifying CTE they do
	// exactly what two statements would, and fail together as those would.
	await tx.execute(sql`with hours as (${hours.getSQL()}) ${days.getSQL()}`);
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

// ---- Reading: raw rows of recent (and late) slots, plus blocks of closed hours ----

export const HOUR_MS = 3_600_000;
/** Whole seconds since SLOT_EPOCH_MS, as check_results.ts and check_blocks.hour hold them. */
export const slotOf = (d: Date) => Math.floor((d.getTime() - SLOT_EPOCH_MS) / 1000);
export const dateOf = (t: number) => new Date(SLOT_EPOCH_MS + t * 1000);

/** A stored check before its pings are decoded. */
export interface Stored {
	ts: Date;
	status: MonitorStatus;
	latency: number;
	hosts: Uint8Array;
	error: string | null;
}

export const fromBlock = (c: BlockCheck): Stored => ({
	ts: dateOf(c.t),
	status: c.status,
	latency: c.latency,
	hosts: c.hosts,
	error: c.error
});

async function inBlock(tx: Tx, monitorId: number, ts: Date): Promise<boolean> {
	const [b] = await tx
		.select({ hour: checkBlocks.hour, data: checkBlocks.data })
		.from(checkBlocks)
		.where(and(eq(checkBlocks.monitorId, monitorId), eq(checkBlocks.hour, hourBucket(ts))));
	if (!b) return false;
	const t = slotOf(ts);
	return decodeBlock(slotOf(b.hour), b.data).some((c) => c.t === t);
}

/** Raw and block checks merged in slot order; a slot in both (never after a commit) counts once, the block's. */
export function merge(raw: Stored[], blocked: Stored[]): Stored[] {
	if (raw.length === 0) return [...blocked].sort((a, b) => a.ts.getTime() - b.ts.getTime());
	const seen = new Set(blocked.map((c) => c.ts.getTime()));
	return [...blocked, ...raw.filter((r) => !seen.has(r.ts.getTime()))].sort((a, b) => a.ts.getTime() - b.ts.getTime());
}

/** One monitor's stored checks with ts in [from, to), oldest first. */
async function storedBetween(db: Db, monitorId: number, from: Date, to?: Date): Promise<Stored[]> {
	const rawWhere = [eq(checks.monitorId, monitorId), gte(checks.ts, from)];
	if (to) rawWhere.push(lt(checks.ts, to));
	const blockWhere = [eq(checkBlocks.monitorId, monitorId), gte(checkBlocks.hour, hourBucket(from))];
	if (to) blockWhere.push(lt(checkBlocks.hour, to));
	const [raw, blocks] = await Promise.all([
		db
			.select()
			.from(checks)
			.where(and(...rawWhere))
			.orderBy(checks.ts),
		db
			.select()
			.from(checkBlocks)
			.where(and(...blockWhere))
			.orderBy(checkBlocks.hour)
	]);
	// Compared as stored, in whole seconds: the bounds of the raw query are floored the same way.
	const f = slotOf(from),
		e = to ? slotOf(to) : Infinity;
	const blocked = blocks.flatMap((b) =>
		decodeBlock(slotOf(b.hour), b.data)
			.filter((c) => c.t >= f && c.t < e)
			.map(fromBlock)
	);
	return merge(raw as Stored[], blocked);
}

/** One monitor's latest `limit` stored checks, newest first. */
async function storedLatest(db: Db, monitorId: number, limit: number): Promise<Stored[]> {
	if (limit <= 0) return [];
	const raw = (await db.select().from(checks).where(eq(checks.monitorId, monitorId)).orderBy(desc(checks.ts)).limit(limit)) as Stored[];
	// Blocks newest first, a few at a time, until the limit-th newest check is
	// no older than the hour of the last block read (older blocks cannot beat it).
	const blocked: Stored[] = [];
	let before: Date | null = null;
	const page = Math.max(2, Math.ceil(limit / 60) + 1);
	for (;;) {
		const where = [eq(checkBlocks.monitorId, monitorId)];
		if (before) where.push(lt(checkBlocks.hour, before));
		const blocks = await db
			.select()
			.from(checkBlocks)
			.where(and(...where))
			.orderBy(desc(checkBlocks.hour))
			.limit(page);
		for (const b of blocks) blocked.push(...decodeBlock(slotOf(b.hour), b.data).map(fromBlock));
		if (blocks.length < page) break;
		before = blocks[blocks.length - 1].hour;
		const all = merge(raw, blocked);
		if (all.length >= limit && all[all.length - limit].ts >= before) break;
	}
	return merge(raw, blocked).reverse().slice(0, limit);
}

export async function recentChecks(db: Db, monitorId: number, limit = 50) {
	return (await storedLatest(db, monitorId, limit)).map(({ ts, status, latency, error }) => ({ ts, status, latency, error }));
}

/** One monitor's checks with ts in [from, to), oldest first, with their pings. */
export async function checksBetween(db: Db, monitorId: number, from: Date, to: Date): Promise<CheckRecord[]> {
	const rows = await storedBetween(db, monitorId, from, to);
	return Promise.all(
		rows.map(async ({ ts, latency, status, error, hosts }) => ({
			monitorId,
			ts,
			latency,
			status,
			error,
			pings: await unpack(db, monitorId, hosts)
		}))
	);
}

/**
 * Slot, status and latency of one monitor's checks since `from`, oldest first:
 * what the latency chart and the p95 figure are computed from.
 */
export async function checkPointsSince(
	db: Db,
	monitorId: number,
	from: Date
): Promise<{ ts: Date; status: MonitorStatus; latency: number }[]> {
	return (await storedBetween(db, monitorId, from)).map(({ ts, status, latency }) => ({ ts, status, latency }));
}

/** A stored check as recordCheck took it. */
export interface CheckRecord {
	monitorId: number;
	ts: Date;
	status: MonitorStatus;
	latency: number;
	pings: Ping[];
	error: string | null;
}

/** The pings of a monitor's latest `limit` checks, newest first (the editor's troubleshooting hints). */
export async function recentPings(db: Db, monitorId: number, limit: number): Promise<Ping[][]> {
	return Promise.all((await storedLatest(db, monitorId, limit)).map((row) => unpack(db, monitorId, row.hosts)));
}

/** The pings of a monitor's latest check; [] when it has none. */
export async function latestPings(db: Db, monitorId: number): Promise<Ping[]> {
	const [row] = await storedLatest(db, monitorId, 1);
	return row ? unpack(db, monitorId, row.hosts) : [];
}
