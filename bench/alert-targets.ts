// The alert step's cost on every check write of a monitor no channel serves.
// Compares, on real PostgreSQL with 1,000 monitors and 20 channels that serve
// other monitors: the statement alone (the old lookup, monitor_channels by
// key, against alertTargetsOf: named ∪ scope all ∪ scope group, active only),
// and a whole recordCheck with no alert step, the old one and the new one.
// Prints means per call (interleaved rounds: the machine is shared) and the
// new statement's plan.
// Run: npx tsx bench/alert-targets.ts (TEST_DATABASE_URL or the local server; drops its database).
import { eq, sql } from 'drizzle-orm';
import { openDatabase, type Tx } from '../src/lib/server/db/index';
import { createScratchPostgres } from '../src/lib/server/db/testing';
import { monitorChannels, monitors } from '../src/lib/server/db/schema';
import { attachChannel, createChannel } from '../src/lib/server/db/queries/alerts';
import { alertTargetsOf, alertTargetsSql } from '../src/lib/server/db/queries/monitor-alerts';
import { recordCheck, type AfterCheck, type CheckInput } from '../src/lib/server/db/queries/checks';
import { alertOnCheck } from '../src/lib/server/alerts/record';

const N = Number(process.argv[2] ?? 2000);
const ROUNDS = 3;
const oldLookup = (tx: Tx, id: number) =>
	tx
		.select({ id: monitorChannels.channelId })
		.from(monitorChannels)
		.where(eq(monitorChannels.monitorId, id))
		.orderBy(monitorChannels.channelId);

const scratch = await createScratchPostgres();
const database = await openDatabase({ url: scratch.url, max: 2 });
try {
	const { db } = database;
	const rows = Array.from({ length: 1000 }, (_, i) => ({
		tag: `m${i}`,
		name: `M ${i}`,
		typeData: { hosts: [] },
		groupName: i % 2 ? 'Odd' : null
	}));
	const ids = (await db.insert(monitors).values(rows).returning({ id: monitors.id })).map((r) => r.id);
	for (let c = 0; c < 20; c++) {
		const ch = await createChannel(db, { name: `c${c}`, type: 'webhook', config: { url: 'http://127.0.0.1:1/', secret: 's' } });
		// Channels serve some of monitors 500+; monitors 0-3 have none.
		for (let m = 500; m < 1000; m += 7) await attachChannel(db, ids[m], ch);
	}
	await db.execute(sql`analyze`);
	const quiet = ids[0];
	const slot = new Map<number, number>();
	const write = (monitorId: number, hook?: AfterCheck) => {
		const i = (slot.get(monitorId) ?? 0) + 1;
		slot.set(monitorId, i);
		const c: CheckInput = {
			monitorId,
			ts: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
			status: 'DOWN',
			latency: 1,
			pings: [],
			error: null
		};
		return recordCheck(db, c, 'UTC', hook);
	};
	const oldHook = async (tx: Tx, c: CheckInput) => void (await oldLookup(tx, c.monitorId));
	const newHook = alertOnCheck();
	const cases: [string, () => Promise<unknown>, number][] = [
		['select 1 (round trip floor)', () => db.execute(sql`select 1`), N],
		['statement, old: monitor_channels by key', () => oldLookup(db, quiet), N],
		['statement, new: alertTargetsOf, no channels', () => alertTargetsOf(db, quiet), N],
		['statement, new: alertTargetsOf, 3 named channels', () => alertTargetsOf(db, ids[500]), N],
		['recordCheck, no alert step', () => write(ids[1]), N / 4],
		['recordCheck, old alert step (no channels)', () => write(ids[2], oldHook), N / 4],
		['recordCheck, new alert step (no channels)', () => write(ids[3], newHook), N / 4]
	];
	const totals = new Map<string, number[]>();
	for (let round = 0; round < ROUNDS; round++) {
		for (const [label, fn, n] of cases) {
			for (let i = 0; i < 100; i++) await fn(); // warm-up
			const t0 = process.hrtime.bigint();
			for (let i = 0; i < n; i++) await fn();
			totals.set(label, [...(totals.get(label) ?? []), Number(process.hrtime.bigint() - t0) / 1000 / n]);
		}
	}
	for (const [label, us] of totals) console.log(`${label}: ${us.map((u) => u.toFixed(0)).join(' / ')} µs per call`);
	const dialect = (db as unknown as { dialect: { sqlToQuery(s: unknown): { sql: string; params: unknown[] } } }).dialect;
	const q = dialect.sqlToQuery(alertTargetsSql(quiet));
	const client = (db as unknown as { $client: { query(t: string, p: unknown[]): Promise<{ rows: Record<string, string>[] }> } }).$client;
	const plan = await client.query(`explain (analyze, costs off, summary on) ${q.sql}`, q.params);
	console.log(`\nalertTargetsOf plan, no channels:\n${plan.rows.map((x) => x['QUERY PLAN']).join('\n')}`);
} finally {
	await database.close();
	await scratch.drop();
}
