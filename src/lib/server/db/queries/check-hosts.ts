// Host lists and dialled addresses of raw checks: stored once (check_host_lists,
// ping_addresses) and cached per database handle, so a check row carries only
// small ids. The checks query modules pack and unpack through these.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../index';
import { checkHostLists, pingAddresses } from '../schema';
import { blobVersion, decodePings, type HostKey } from './ping-codec';
import type { Ping } from '../../types';

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
export function cacheOf(db: Db): Cache {
	let c = caches.get(db);
	if (!c) caches.set(db, (c = { versionOf: new Map(), list: new Map(), addressId: new Map(), address: new Map() }));
	return c;
}

/** Forgets cached host lists and addresses (tests that truncate tables under a live handle). */
export function forgetCheckCaches(db: Db): void {
	caches.delete(db);
}

export async function hostListVersion(db: Db, c: Cache, monitorId: number, hosts: HostKey[]): Promise<number> {
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

export async function addressIds(db: Db, c: Cache, addresses: string[]): Promise<void> {
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
export async function unpack(db: Db, monitorId: number, blob: Uint8Array): Promise<Ping[]> {
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
