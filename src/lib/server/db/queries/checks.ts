import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import {
	checkBlocks,
	checkDays,
	checkHostLists,
	checkHours,
	checks,
	monitors,
	monitorState,
	pingAddresses,
	SLOT_EPOCH_MS,
	statusChanges
} from '../schema';
import { addressesOf, blobVersion, decodePings, encodePings, hostKeys, type HostKey } from './ping-codec';
import { decodeBlock, encodeBlock, type BlockCheck } from './block-codec';
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
export async function addToRollups(
	tx: Tx,
	monitorId: number,
	bucket: Date,
	day: string,
	d: RollupDelta
): Promise<void> {
	const hours = tx
		.insert(checkHours)
		.values({ monitorId, bucket, ...d })
		.onConflictDoUpdate({ target: [checkHours.monitorId, checkHours.bucket], set: rollupSet('check_hours') });
	const days = tx
		.insert(checkDays)
		.values({ monitorId, day, ...d })
		.onConflictDoUpdate({ target: [checkDays.monitorId, checkDays.day], set: rollupSet('check_days') });
	// One statement, one round trip per check (issue 11.3, idle CPU): the two
	// upserts touch different tables, so as a data-modifying CTE they do
	// exactly what two statements did, and fail together as they would.
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

const HOUR_MS = 3_600_000;
/** Whole seconds since SLOT_EPOCH_MS, as check_results.ts and check_blocks.hour hold them. */
const slotOf = (d: Date) => Math.floor((d.getTime() - SLOT_EPOCH_MS) / 1000);
const dateOf = (t: number) => new Date(SLOT_EPOCH_MS + t * 1000);
const hourStart = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);

/** A stored check before its pings are decoded. */
interface Stored {
	ts: Date;
	status: MonitorStatus;
	latency: number;
	hosts: Uint8Array;
	error: string | null;
}

const fromBlock = (c: BlockCheck): Stored => ({ ts: dateOf(c.t), status: c.status, latency: c.latency, hosts: c.hosts, error: c.error });

async function inBlock(tx: Tx, monitorId: number, ts: Date): Promise<boolean> {
	const [b] = await tx
		.select({ hour: checkBlocks.hour, data: checkBlocks.data })
		.from(checkBlocks)
		.where(and(eq(checkBlocks.monitorId, monitorId), eq(checkBlocks.hour, hourStart(ts))));
	if (!b) return false;
	const t = slotOf(ts);
	return decodeBlock(slotOf(b.hour), b.data).some((c) => c.t === t);
}

/** Raw and block checks merged in slot order; a slot in both (never after a commit) counts once, the block's. */
function merge(raw: Stored[], blocked: Stored[]): Stored[] {
	if (raw.length === 0) return [...blocked].sort((a, b) => a.ts.getTime() - b.ts.getTime());
	const seen = new Set(blocked.map((c) => c.ts.getTime()));
	return [...blocked, ...raw.filter((r) => !seen.has(r.ts.getTime()))].sort((a, b) => a.ts.getTime() - b.ts.getTime());
}

/** One monitor's stored checks with ts in [from, to), oldest first. */
async function storedBetween(db: Db, monitorId: number, from: Date, to?: Date): Promise<Stored[]> {
	const rawWhere = [eq(checks.monitorId, monitorId), gte(checks.ts, from)];
	if (to) rawWhere.push(lt(checks.ts, to));
	const blockWhere = [eq(checkBlocks.monitorId, monitorId), gte(checkBlocks.hour, hourStart(from))];
	if (to) blockWhere.push(lt(checkBlocks.hour, to));
	const [raw, blocks] = await Promise.all([
		db.select().from(checks).where(and(...rawWhere)).orderBy(checks.ts),
		db.select().from(checkBlocks).where(and(...blockWhere)).orderBy(checkBlocks.hour)
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
	const raw = (await db
		.select()
		.from(checks)
		.where(eq(checks.monitorId, monitorId))
		.orderBy(desc(checks.ts))
		.limit(limit)) as Stored[];
	// Blocks newest first, a few at a time, until the limit-th newest check is
	// no older than the hour of the last block read (older blocks cannot beat it).
	const blocked: Stored[] = [];
	let before: Date | null = null;
	const page = Math.max(2, Math.ceil(limit / 60) + 1);
	for (;;) {
		const where = [eq(checkBlocks.monitorId, monitorId)];
		if (before) where.push(lt(checkBlocks.hour, before));
		const blocks = await db.select().from(checkBlocks).where(and(...where)).orderBy(desc(checkBlocks.hour)).limit(page);
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
		rows.map(async ({ ts, latency, status, error, hosts }) => ({ monitorId, ts, latency, status, error, pings: await unpack(db, monitorId, hosts) }))
	);
}

/**
 * Slot, status and latency of one monitor's checks since `from`, oldest first:
 * what the latency chart and the p95 figure are computed from.
 */
export async function checkPointsSince(db: Db, monitorId: number, from: Date): Promise<{ ts: Date; status: MonitorStatus; latency: number }[]> {
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

/** The pings of a monitor's latest check; [] when it has none. */
export async function latestPings(db: Db, monitorId: number): Promise<Ping[]> {
	const [row] = await storedLatest(db, monitorId, 1);
	return row ? unpack(db, monitorId, row.hosts) : [];
}

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
	const cutoff = hourStart(new Date(now.getTime() - (opts.keepMs ?? 2 * HOUR_MS)));
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
				const from = hourStart(first.ts);
				const to = new Date(Math.min(cutoff.getTime(), from.getTime() + span));
				const rows = (await tx
					.delete(checks)
					.where(and(eq(checks.monitorId, id), gte(checks.ts, from), lt(checks.ts, to)))
					.returning()) as (Stored & { monitorId: number })[];
				const byHour = new Map<number, Stored[]>();
				for (const r of rows) {
					const h = hourStart(r.ts).getTime();
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

// ---- Host lists and addresses: stored once, cached per database handle ----

interface Cache {
	/** monitorId -> host list JSON -> version */
	versionOf: Map<number, Map<string, number>>;
	/** `${monitorId}:${version}` -> hosts */
	list: Map<string, HostKey[]>;
	addressId: Map<string, number>;
	address: Map<number, string>;
}
const caches = new WeakMap<object, Cache>();
function cacheOf(db: Db): Cache {
	let c = caches.get(db);
	if (!c) caches.set(db, (c = { versionOf: new Map(), list: new Map(), addressId: new Map(), address: new Map() }));
	return c;
}

/** Forgets cached host lists and addresses (tests that truncate tables under a live handle). */
export function forgetCheckCaches(db: Db): void {
	caches.delete(db);
}

async function hostListVersion(db: Db, c: Cache, monitorId: number, hosts: HostKey[]): Promise<number> {
	const key = JSON.stringify(hosts);
	let byKey = c.versionOf.get(monitorId);
	const hit = byKey?.get(key);
	if (hit !== undefined) return hit;
	const remember = (version: number) => {
		if (!byKey) c.versionOf.set(monitorId, (byKey = new Map()));
		byKey.set(key, version);
		c.list.set(`${monitorId}:${version}`, hosts);
		return version;
	};
	// Two writers may race for the next version: the loser finds the winner's
	// row on its next look (same hosts) or takes the version after it.
	for (let attempt = 0; attempt < 5; attempt++) {
		const [found] = await db
			.select({ version: checkHostLists.version })
			.from(checkHostLists)
			.where(and(eq(checkHostLists.monitorId, monitorId), sql`${checkHostLists.hosts} = ${key}::jsonb`))
			.orderBy(checkHostLists.version)
			.limit(1);
		if (found) return remember(found.version);
		const [made] = await db
			.insert(checkHostLists)
			.values({
				monitorId,
				version: sql`(select coalesce(max(${checkHostLists.version}), 0) + 1 from ${checkHostLists} where ${checkHostLists.monitorId} = ${monitorId})`,
				hosts
			})
			.onConflictDoNothing()
			.returning({ version: checkHostLists.version });
		if (made) return remember(made.version);
	}
	throw new Error(`could not store the host list of monitor ${monitorId}`);
}

async function addressIds(db: Db, c: Cache, addresses: string[]): Promise<void> {
	const missing = [...new Set(addresses.filter((a) => !c.addressId.has(a)))];
	if (missing.length === 0) return;
	await db
		.insert(pingAddresses)
		.values(missing.map((address) => ({ address })))
		.onConflictDoNothing();
	await loadAddresses(db, c, inArray(pingAddresses.address, missing));
	for (const a of missing) if (!c.addressId.has(a)) throw new Error(`could not store address ${a}`);
}

async function loadAddresses(db: Db, c: Cache, where: ReturnType<typeof inArray>) {
	for (const r of await db.select().from(pingAddresses).where(where)) {
		c.addressId.set(r.address, r.id);
		c.address.set(r.id, r.address);
	}
}

/** Pings back from a stored blob, loading its host list and addresses when not cached. */
async function unpack(db: Db, monitorId: number, blob: Uint8Array): Promise<Ping[]> {
	const c = cacheOf(db);
	const version = blobVersion(blob);
	const k = `${monitorId}:${version}`;
	let hosts = c.list.get(k);
	if (!hosts) {
		const [row] = await db
			.select({ hosts: checkHostLists.hosts })
			.from(checkHostLists)
			.where(and(eq(checkHostLists.monitorId, monitorId), eq(checkHostLists.version, version)));
		if (!row) throw new Error(`monitor ${monitorId}: host list version ${version} is missing`);
		c.list.set(k, (hosts = row.hosts));
	}
	const ids: number[] = [];
	decodePings(blob, hosts, (id) => (ids.push(id), ''));
	const unknown = ids.filter((id) => !c.address.has(id));
	if (unknown.length) await loadAddresses(db, c, inArray(pingAddresses.id, unknown));
	return decodePings(blob, hosts, (id) => {
		const a = c.address.get(id);
		if (a === undefined) throw new Error(`ping address ${id} is missing`);
		return a;
	});
}
