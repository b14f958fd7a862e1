// The monitor page's latency per location: a line per location from
// location_results (24 h) and location hours (7-90 d), and nothing for a
// monitor never probed from a location.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from './db/testing';
import { recordCheck } from './db/queries/checks';
import { upsertMonitors } from './db/queries/monitors';
import { heartbeat, writeLocationResult } from './db/queries/locations';
import { foldLocationResults } from './db/queries/location-history';
import { monitors } from './db/schema';
import { validateMonitorList } from './monitors/validate';
import { latencySeries } from './status-pages';
import type { Ping } from './types';

const NOW = new Date('2026-07-10T10:02:00Z');
const MIN = 60_000;
const ping = (status: Ping['status'], latency: number): Ping => ({ status, latency, host: '127.0.0.1', port: 9, type: 'tcp' });

describe.each(DRIVERS)('latency per location on %s', (driver) => {
	let t: TestDatabase;
	const ids: Record<string, number> = {};
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		const r = validateMonitorList(
			['placed', 'plain'].map((tag) => ({ tag, type: 'TCP', name: tag, type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] } }))
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(t.db, r.value);
		for (const m of await t.db.select().from(monitors)) ids[m.tag] = m.id;
		for (const tag of ['placed', 'plain'])
			await recordCheck(
				t.db,
				{ monitorId: ids[tag], ts: new Date(NOW.getTime() - 2 * MIN), status: 'UP', latency: 5, pings: [ping('open', 5)] },
				'UTC'
			);
		const write = (minutesAgo: number, location: string, p: Ping) =>
			writeLocationResult(t.db, { monitorId: ids.placed, ts: new Date(NOW.getTime() - minutesAgo * MIN), location, pings: [p] });
		// As the located workers do before their first result.
		await heartbeat(t.db, 'eu-1');
		await heartbeat(t.db, 'us-1');
		await write(2, 'eu-1', ping('open', 4));
		await write(1, 'eu-1', ping('open', 8));
		await write(2, 'us-1', ping('error', 0));
		// Two days ago: folded into its hour.
		await write(48 * 60, 'us-1', ping('open', 40));
		await write(48 * 60 - 1, 'us-1', ping('open', 60));
		expect(await foldLocationResults(t.db, NOW)).toBe(2);
	});

	it('24 h: a line per location over the five-minute buckets, null where the location had no open ping', async () => {
		const s = await latencySeries(t.db, ids.placed, '24h', 'UTC', NOW);
		expect(s.locations?.map((l) => l.location)).toEqual(['eu-1', 'us-1']);
		const [eu, us] = s.locations!;
		expect(eu.avg).toHaveLength(s.points.length);
		// 10:00 holds both eu-1 slots (10:00, 10:01); us-1 had no open ping there.
		const i = s.points.findIndex((p) => p.t === Date.parse('2026-07-10T10:00:00Z'));
		expect([eu.avg[i], us.avg[i]]).toEqual([6, null]);
		expect(eu.avg.filter((v) => v !== null)).toHaveLength(1);
		expect(us.avg.every((v) => v === null)).toBe(true);
	});

	it('7 d: hours, folded and raw alike', async () => {
		const s = await latencySeries(t.db, ids.placed, '7d', 'UTC', NOW);
		const [eu, us] = s.locations!;
		const at = (iso: string) => s.points.findIndex((p) => p.t === Date.parse(iso));
		expect(us.avg[at('2026-07-08T10:00:00Z')]).toBe(50);
		expect(eu.avg[at('2026-07-10T10:00:00Z')]).toBe(6);
	});

	it('a monitor without location results gets no lines: its series is as before', async () => {
		for (const range of ['24h', '90d'] as const) {
			const s = await latencySeries(t.db, ids.plain, range, 'UTC', NOW);
			expect(s).not.toHaveProperty('locations');
			expect(s.points.some((p) => p.avg === 5)).toBe(true);
		}
	});
});
