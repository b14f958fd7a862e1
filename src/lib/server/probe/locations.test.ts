// Location runners in one process against the real database (both drivers),
// a real listener and the real probe and eval sandbox: who runs a slot's eval
// when locations finish at once, when one is dead, and when one is late.
// (Separate processes, one of them cut off: tests/integration/locations.test.ts.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { locationResults, slotClaims } from '../db/schema';
import { listActiveMonitors, upsertMonitors, type ScheduledMonitor } from '../db/queries/monitors';
import { checksBetween, recordCheck } from '../db/queries/checks';
import { heartbeat } from '../db/queries/locations';
import { validateMonitorList } from '../monitors/validate';
import { silentLogger } from '../log';
import { probeHosts } from './tcp';
import { EvalSandbox } from '../eval/sandbox';
import { MaintenanceIndex } from './maintenance';
import { LocationRunner } from './locations';
import type { LocatedPing } from './location-eval';
import type { Ping } from '../types';
import { listen, type Listener } from '../../../../tests/fixtures/net';

const sandbox = new EvalSandbox();
afterAll(() => sandbox.stop());

describe('the README\'s "down in at least 2 of 3 places" eval', () => {
	const readme = readFileSync(fileURLToPath(new URL('../../../../README.md', import.meta.url)), 'utf8');
	const source = /### From more than one place[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
	const at = (location: string, status: Ping['status'], latency = 10): LocatedPing => ({
		status,
		latency,
		host: 'h',
		port: 1,
		type: 'tcp',
		location
	});

	it.each([
		[['open', 'open', 'open'], 'UP'],
		[['error', 'open', 'open'], 'DEGRADED'],
		[['error', 'timeout', 'open'], 'DOWN']
	] as const)('places %j: %s', async (statuses, status) => {
		expect(source).toContain('ping.location');
		const pings = statuses.map((s, i) => at(['ap-1', 'eu-1', 'us-1'][i], s));
		expect(await sandbox.evaluate(source!, pings)).toMatchObject({ status, latency: 10 });
	});
});

describe.each(DRIVERS)('location runners on %s', (driver) => {
	let t: TestDatabase;
	let listener: Listener;
	let m: ScheduledMonitor;

	const runner = (location: string) =>
		new LocationRunner({
			db: t.db,
			location,
			workerId: `w-${location}`,
			probe: (hosts) => probeHosts(hosts, null),
			evaluate: sandbox.evaluate,
			log: silentLogger,
			maintenance: new MaintenanceIndex(),
			submit: async (c) => ((await recordCheck(t.db, c, 'UTC')) ? 'written' : 'duplicate')
		});
	const checksAt = (slot: Date) => checksBetween(t.db, m.id, slot, new Date(slot.getTime() + 1000));
	const resultsAt = async () => (await t.db.select().from(locationResults).where(eq(locationResults.monitorId, m.id))).length;

	beforeAll(async () => {
		t = await openTestDatabase(driver);
		listener = await listen('127.0.0.1');
	});
	afterAll(async () => {
		await t?.destroy();
		await listener?.close();
	});
	beforeEach(async () => {
		await truncateAll(t);
		const r = validateMonitorList([
			{ tag: 'a', name: 'a', type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: listener.port, timeout: 300 }] } }
		]);
		if (!r.ok) throw new Error('fixture');
		await upsertMonitors(t.db, r.value);
		[m] = await listActiveMonitors(t.db);
	});

	it('three locations finishing at once: one eval, one check over all three, the others find the slot taken', async () => {
		const rs = ['us-1', 'eu-1', 'ap-1'].map(runner);
		await Promise.all(rs.map((r) => r.start()));
		const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
		// Deadline: slot + 300 ms timeout + 2 s grace.
		await Promise.all(rs.map((r) => r.run(m, slot, slot.getTime(), 5000)));
		const evals = () => rs.reduce((n, r) => n + r.stats.evals, 0);
		expect(evals()).toBe(1);
		const [check] = await checksAt(slot);
		expect(check.status).toBe('UP');
		expect(check.pings).toHaveLength(3);
		// Those that saw the set incomplete look again at the deadline and find the slot claimed.
		await new Promise((r) => setTimeout(r, slot.getTime() + 2300 + 200 - Date.now()));
		expect(evals()).toBe(1);
		expect(rs.reduce((n, r) => n + r.stats.evalsElsewhere, 0)).toBe(2);
		expect(await t.db.select().from(slotClaims)).toHaveLength(1);
		await Promise.all(rs.map((r) => r.stop()));
	});

	it('a live location that never reports delays the eval to the deadline, not forever; a late one keeps its row only', async () => {
		await heartbeat(t.db, 'dead-1');
		const rs = ['eu-1', 'us-1'].map(runner);
		await Promise.all(rs.map((r) => r.start()));
		const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
		await Promise.all(rs.map((r) => r.run(m, slot, slot.getTime(), 5000)));
		expect(await checksAt(slot)).toHaveLength(0);
		await new Promise((r) => setTimeout(r, slot.getTime() + 2300 + 300 - Date.now()));
		const [check] = await checksAt(slot);
		expect(check.pings).toHaveLength(2);
		expect(rs.map((r) => r.stats.evals).sort()).toEqual([0, 1]);

		// The dead location comes back after the check was written: its row is stored, the check stays as it was.
		const late = runner('dead-1');
		await late.run(m, slot, slot.getTime(), 5000);
		expect(await resultsAt()).toBe(3);
		expect(late.stats).toMatchObject({ results: 1, lateResults: 1, evals: 0, evalsElsewhere: 1 });
		const [again] = await checksAt(slot);
		expect(again.pings).toHaveLength(2);
		// Its own result for the slot is written once: a second run of the same slot adds nothing.
		await late.run(m, slot, slot.getTime(), 5000);
		expect(await resultsAt()).toBe(3);
		await Promise.all([...rs, late].map((r) => r.stop()));
	});
});
