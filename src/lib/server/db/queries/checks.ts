import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { checkDays, checkHostLists, checkHours, checks, monitors, monitorState, pingAddresses, statusChanges } from '../schema';
import { addressesOf, blobVersion, decodePings, encodePings, hostKeys, type HostKey } from './ping-codec';
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

/** One monitor's checks with ts in [from, to), oldest first, with their pings. */
export async function checksBetween(db: Db, monitorId: number, from: Date, to: Date): Promise<CheckRecord[]> {
	const rows = await db
		.select()
		.from(checks)
		.where(and(eq(checks.monitorId, monitorId), gte(checks.ts, from), lt(checks.ts, to)))
		.orderBy(checks.ts);
	return Promise.all(rows.map(async ({ hosts, ...r }) => ({ ...r, pings: await unpack(db, monitorId, hosts) })));
}

/** A stored check as recordCheck took it (latency as stored: a float4). */
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
	const [row] = await db
		.select({ hosts: checks.hosts })
		.from(checks)
		.where(eq(checks.monitorId, monitorId))
		.orderBy(desc(checks.ts))
		.limit(1);
	return row ? unpack(db, monitorId, row.hosts) : [];
}

/** Deletes raw checks older than the retention; rollups stay. Returns rows removed. */
export async function pruneChecks(db: Db, retentionDays: number, now = new Date()): Promise<number> {
	const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
	// Per monitor through the primary key (there is no index on ts alone).
	const ids = (await db.select({ id: monitors.id }).from(monitors)).map((m) => m.id);
	if (ids.length === 0) return 0;
	const removed = await db.execute<{ n: number }>(
		sql`with d as (delete from ${checks} where ${inArray(checks.monitorId, ids)} and ${lt(checks.ts, cutoff)} returning 1) select count(*)::int as n from d`
	);
	const rows = (Array.isArray(removed) ? removed : (removed as { rows: { n: number }[] }).rows) as { n: number }[];
	return Number(rows[0]?.n ?? 0);
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
