// The demo seeder: N monitors with D days of history, written in bulk.
// Rollups come from simulate() (rollupDelta + mergeDelta per check) and are
// upserted with the same ON CONFLICT clause as live checks (db/queries/seed.ts).
import type { Db } from '../db/index';
import {
	activateMonitorsByTagPrefix,
	analyze,
	deleteMonitorsByTagPrefix,
	insertChecks,
	insertMonitorRows,
	insertMonitorStates,
	insertStatusChanges,
	upsertDayRollups,
	upsertHourRollups,
	type MonitorStateRow
} from '../db/queries/seed';
import { compactChecks } from '../db/queries/compaction';
import { slotMs, STALE_SLOTS } from '../current';
import { dayKey, zonedMidnight } from '$lib/time';
import type { Host, MonitorStatus, Ping } from '../types';
import { prng, randomEpisodes, simulate, type Episode, type History } from './history';

export interface SeedOptions {
	monitors: number;
	days: number;
	timeZone: string;
	/** Port on 127.0.0.1 the demo monitors point at (a local listener, or a closed port). */
	port: number;
	seed: number;
	now?: Date;
	log?: (msg: string) => void;
	/** Defaults to insertWriter(db). */
	writer?: SeedWriter;
}

const NAMES = [
	'API gateway',
	'Payments API',
	'Checkout',
	'Auth service',
	'Primary database',
	'Read replica',
	'Redis cache',
	'Message queue',
	'Search cluster',
	'Object storage',
	'Mail relay',
	'DNS resolver',
	'VPN endpoint',
	'CDN origin',
	'Billing worker',
	'Webhooks',
	'Admin panel',
	'Metrics ingest',
	'Log shipper',
	'LDAP',
	'SFTP drop',
	'Git server'
];
const GROUPS = [null, 'Core', 'Payments', 'Data', 'Edge', 'Internal tools'];
const CRONS = ['* * * * *', '* * * * *', '*/2 * * * *', '*/5 * * * *'];
const BATCH = 4000;

export const DEMO_PREFIX = 'demo-';
const DEMO_ERROR = 'ECONNREFUSED: demo outage';

/** One monitor's simulated history, for a writer to store. */
export interface SeedMonitor {
	id: number;
	hosts: Host[];
	h: History;
}
/** Where the rows go: batched inserts (any driver) or COPY (postgres.js). */
export interface SeedWriter {
	write(m: SeedMonitor): Promise<void>;
	flush(): Promise<void>;
}

/** The pings array a demo check would have had. */
export function demoPings(hosts: Host[], status: MonitorStatus, latency: number): Ping[] {
	return hosts.map((x) => ({
		status: status === 'DOWN' ? 'error' : 'open',
		latency,
		host: x.host,
		port: x.port,
		type: x.type,
		...(status === 'DOWN' ? { error: DEMO_ERROR } : {})
	}));
}
export const demoError = (status: MonitorStatus) => (status === 'DOWN' ? DEMO_ERROR : null);

/** Plain multi-row inserts through Drizzle (the seeder's fallback when no COPY writer is given). */
export function insertWriter(db: Db): SeedWriter {
	return {
		async write({ id, hosts, h }) {
			const hours = [...h.hours].map(([bucket, d]) => ({ monitorId: id, bucket: new Date(bucket), ...d }));
			const days = [...h.days].map(([day, d]) => ({ monitorId: id, day, ...d }));
			await inBatches(hours, BATCH, (b) => upsertHourRollups(db, b));
			await inBatches(days, BATCH, (b) => upsertDayRollups(db, b));
			await inBatches(h.raw, BATCH, (b) =>
				insertChecks(
					db,
					b.map((c) => ({
						monitorId: id,
						ts: new Date(c.ts),
						status: c.status,
						latency: c.latency,
						pings: demoPings(hosts, c.status, c.latency),
						error: demoError(c.status)
					}))
				)
			);
			await inBatches(h.changes, BATCH, (b) =>
				insertStatusChanges(
					db,
					b.map((c) => ({ monitorId: id, ts: new Date(c.ts), fromStatus: c.from, toStatus: c.to, error: demoError(c.to) }))
				)
			);
		},
		async flush() {}
	};
}

async function inBatches<T>(rows: T[], size: number, write: (batch: T[]) => Promise<unknown>) {
	for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/**
 * No gap reaches into the last STALE_SLOTS slots: a demo monitor ends its
 * history current (checked within its interval), as a live one would be, so
 * the page does not open on "no recent data". Gaps further back stay.
 */
export function currentTail(episodes: Episode[], now: number, slot: number): Episode[] {
	const cut = now - (STALE_SLOTS + 1) * slot;
	return episodes.flatMap((e) => (e.kind !== 'GAP' || e.to <= cut ? [e] : e.from < cut ? [{ ...e, to: cut }] : []));
}

/** Deletes earlier demo monitors (their history goes with them), then seeds. */
export async function seedDemo(db: Db, o: SeedOptions) {
	const log = o.log ?? (() => {});
	const now = (o.now ?? new Date()).getTime();
	const rand = prng(o.seed);
	const writer = o.writer ?? insertWriter(db);
	await deleteMonitorsByTagPrefix(db, DEMO_PREFIX);

	const from = now - o.days * 86_400_000;
	const width = String(o.monitors).length;
	const specs = Array.from({ length: o.monitors }, (_, i) => {
		const name = `${NAMES[i % NAMES.length]}${i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : ''}`;
		const hosts = Array.from({ length: 1 + (i % 3 === 0 ? 1 : 0) }, () => ({
			type: 'tcp' as const,
			host: '127.0.0.1',
			port: o.port,
			timeout: 1000
		}));
		// The second monitor is young: its bar starts grey (no data before it existed).
		const createdAt = i === 1 && o.days > 30 ? now - 20 * 86_400_000 : from;
		return {
			tag: `${DEMO_PREFIX}${String(i + 1).padStart(width, '0')}`,
			name,
			description: i % 4 === 0 ? 'Demo monitor with seeded history' : '',
			typeData: { hosts },
			cron: CRONS[i % CRONS.length],
			groupName: GROUPS[i % GROUPS.length],
			sortOrder: i,
			showHosts: i % 5 === 0,
			// Inactive while seeding: the probe loop leaves them alone and pages don't show half a history.
			active: false,
			createdAt: new Date(createdAt)
		};
	});
	const ids: number[] = [];
	await inBatches(specs, 500, async (b) => {
		ids.push(...(await insertMonitorRows(db, b)));
	});
	log(`${specs.length} monitors created`);

	const rawFrom = now - Math.min(7, o.days) * 86_400_000;
	const totals = { hours: 0, days: 0, checks: 0, changes: 0 };
	const states: MonitorStateRow[] = [];
	// A known outage for the first monitor: 42 min DOWN three days ago at 03:12 site time.
	const threeDaysAgo = dayKey(new Date(now - 3 * 86_400_000), o.timeZone);
	const knownStart = zonedMidnight(threeDaysAgo, o.timeZone) + (3 * 60 + 12) * 60_000;
	const known: Episode[] = [{ from: knownStart, to: knownStart + 42 * 60_000, kind: 'DOWN' }];

	for (let i = 0; i < specs.length; i++) {
		const spec = specs[i];
		const id = ids[i];
		const slot = slotMs(spec.cron, o.timeZone);
		const start = spec.createdAt.getTime();
		const episodes = currentTail(randomEpisodes(start, now, rand, i === 0 ? 0.3 : 0.3 + rand() * 1.4), now, slot);
		const h = simulate(
			{
				from: start,
				// Through the current slot: every seeded monitor is current when seeding ends.
				to: now + 1,
				slotMs: slot,
				timeZone: o.timeZone,
				rawFrom,
				rand,
				baseLatency: 0.3 + rand() ** 2 * 60,
				extra: i === 0 ? known : undefined
			},
			i === 0 ? episodes.filter((e) => e.to < knownStart - 86_400_000 || e.from > knownStart + 86_400_000) : episodes
		);

		await writer.write({ id, hosts: spec.typeData.hosts, h });
		if (h.last)
			states.push({
				monitorId: id,
				ts: new Date(h.last.ts),
				status: h.last.status,
				latency: h.last.latency,
				since: new Date(h.last.since)
			});
		totals.hours += h.hours.size;
		totals.days += h.days.size;
		totals.checks += h.raw.length;
		totals.changes += h.changes.length;
		if ((i + 1) % 100 === 0) log(`${i + 1}/${specs.length} monitors seeded`);
	}
	await writer.flush();
	// Raw rows of closed hours into check_blocks, as the scheduler's hourly run would.
	const packed = await compactChecks(db, { now: new Date(now) });
	log(`${packed.checks} raw checks packed into ${packed.blocks} hour blocks`);
	await inBatches(states, 1000, (b) => insertMonitorStates(db, b));
	await activateMonitorsByTagPrefix(db, DEMO_PREFIX);
	await analyze(db);
	return { monitors: specs.length, ...totals };
}
