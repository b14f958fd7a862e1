import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { locationHours, locationResults, monitors } from '../schema';
import { upsertMonitors } from './monitors';
import { validateMonitorList } from '../../monitors/validate';
import { writeLocationResult } from './locations';
import { foldLocationResults, locationHoursSince, locationPointsSince, pruneLocationHours } from './location-history';
import type { Ping } from '../../types';

const ping = (status: Ping['status'], latency: number): Ping => ({ status, latency, host: '127.0.0.1', port: 80, type: 'tcp' });
const H = 3_600_000;

describe.each(DRIVERS)('location history on %s', (driver) => {
	let t: TestDatabase;
	let id: number;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		const r = validateMonitorList([{ tag: 'a', name: 'a', type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1' }] } }]);
		if (!r.ok) throw new Error('fixture');
		await upsertMonitors(t.db, r.value);
		[{ id }] = await t.db.select({ id: monitors.id }).from(monitors);
	});

	it('a location writes a slot once; its latency is the mean of its open pings, null with none open', async () => {
		const ts = new Date('2030-01-01T00:00:00Z');
		expect(await writeLocationResult(t.db, { monitorId: id, ts, location: 'eu-1', pings: [ping('open', 10), ping('open', 20)] })).toBe(
			true
		);
		expect(await writeLocationResult(t.db, { monitorId: id, ts, location: 'eu-1', pings: [ping('error', 0)] })).toBe(false);
		expect(await writeLocationResult(t.db, { monitorId: id, ts, location: 'us-1', pings: [ping('error', 0)] })).toBe(true);
		const points = await locationPointsSince(t.db, id, ts);
		expect(points.map((p) => [p.location, p.latency])).toEqual([
			['eu-1', 15],
			['us-1', null]
		]);
	});

	it('rows older than a day and an hour fold into hours once, late rows join their hour, retention drops old hours', async () => {
		const now = new Date('2030-01-03T12:30:00Z');
		const old = new Date('2030-01-02T09:00:00Z'); // 27.5 h before now
		for (const [min, loc, lat] of [
			[0, 'eu-1', 10],
			[1, 'eu-1', 30],
			[1, 'us-1', 5],
			[2, 'eu-1', null]
		] as const)
			await writeLocationResult(t.db, {
				monitorId: id,
				ts: new Date(old.getTime() + min * 60_000),
				location: loc,
				pings: [lat === null ? ping('timeout', 0) : ping('open', lat)]
			});
		const recent = new Date(now.getTime() - 2 * H);
		await writeLocationResult(t.db, { monitorId: id, ts: recent, location: 'eu-1', pings: [ping('open', 7)] });

		expect(await foldLocationResults(t.db, now)).toBe(4);
		expect(await foldLocationResults(t.db, now)).toBe(0);
		expect((await t.db.select().from(locationResults)).map((r) => r.ts)).toEqual([recent]);
		// A late row of a folded hour is added to it at the next run.
		await writeLocationResult(t.db, {
			monitorId: id,
			ts: new Date(old.getTime() + 5 * 60_000),
			location: 'eu-1',
			pings: [ping('open', 20)]
		});
		expect(await foldLocationResults(t.db, now)).toBe(1);

		const hours = await locationHoursSince(t.db, id, new Date(old.getTime() - H));
		expect(hours.map((h) => [h.hour.toISOString(), h.location, h.latencySum, h.latencyCount])).toEqual([
			[old.toISOString(), 'eu-1', 60, 3],
			[old.toISOString(), 'us-1', 5, 1],
			// Not folded yet: summed from the raw row.
			[new Date(Math.floor(recent.getTime() / H) * H).toISOString(), 'eu-1', 7, 1]
		]);
		const [eu] = await t.db.select().from(locationHours).where(eq(locationHours.location, 'eu-1'));
		expect([eu.latencyMin, eu.latencyMax]).toEqual([10, 30]);

		expect(await pruneLocationHours(t.db, 1, now)).toBe(2);
		expect(await t.db.select().from(locationHours)).toHaveLength(0);
	});
});
