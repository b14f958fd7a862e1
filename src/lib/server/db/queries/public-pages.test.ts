// The public pages' queries (days, hours, status-changes, status) against
// both drivers: what they read and what they leave out. The pages built from
// them are tested over rows in pages/views.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, type TestDatabase } from '../testing';
import { useTestDatabase } from '../test-hooks';
import { recordCheck } from './checks';
import { upsertMonitors } from './monitors';
import { barCounts, clearBarCache, dayCountsOf, dayRows, publicDayCounts, PAST_DAYS_TTL_MS } from './days';
import { hourCountsSince, hourRows } from './hours';
import { statusChangesPage } from './status-changes';
import { publicMonitorByTag, publicMonitorWithState, publicStatusNow } from './status';
import { validateMonitorList } from '../../monitors/validate';
import { lastDays } from '../../../time';
import type { MonitorStatus } from '../../types';

const TZ = 'Europe/Berlin';
const NOW = new Date('2026-07-10T10:00:00Z');
const MIN = 60_000;

describe.each(DRIVERS)('public pages queries on %s', (driver) => {
	let t: TestDatabase;
	useTestDatabase(driver, (x) => (t = x));
	const ids: Record<string, number> = {};
	beforeEach(async () => {
		clearBarCache(t.db);
		const r = validateMonitorList(
			['api', 'hidden', 'off'].map((tag) => ({
				tag,
				name: tag.toUpperCase(),
				type: 'TCP',
				cron: '*/5 * * * *',
				type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] },
				public: tag !== 'hidden',
				active: tag !== 'off'
			}))
		);
		if (!r.ok) throw new Error('fixture');
		await upsertMonitors(t.db, r.value);
		for (const m of await t.db.query.monitors.findMany()) ids[m.tag] = m.id;
	});
	const check = (tag: string, ts: Date, status: MonitorStatus, latency = 10) =>
		recordCheck(t.db, { monitorId: ids[tag], ts, status, latency, pings: [], error: status === 'DOWN' ? 'ECONNREFUSED' : null }, TZ);

	it('finds public, active monitors by tag only', async () => {
		await check('api', new Date('2026-07-10T09:55:00Z'), 'UP', 12);
		expect((await publicMonitorByTag(t.db, 'api'))?.id).toBe(ids.api);
		const m = await publicMonitorWithState(t.db, 'api');
		expect(m).toMatchObject({ tag: 'api', status: 'UP', latency: 12, lastCheck: new Date('2026-07-10T09:55:00Z') });
		for (const tag of ['hidden', 'off', 'nope', 'a\u0000b']) {
			expect(await publicMonitorByTag(t.db, tag), tag).toBeUndefined();
			expect(await publicMonitorWithState(t.db, tag), tag).toBeUndefined();
		}
		expect((await publicStatusNow(t.db)).map((r) => [r.tag, r.description, r.status])).toEqual([['api', '', 'UP']]);
	});

	it("reads one monitor's days, hours and changes from the given start", async () => {
		for (let i = 0; i < 12; i++)
			await check('api', new Date(Date.parse('2026-07-10T08:00:00Z') + i * 5 * MIN), i < 4 ? 'DOWN' : 'UP', 10 + i);
		await check('api', new Date('2026-07-08T12:00:00Z'), 'DOWN');
		const byDay = await dayCountsOf(t.db, ids.api, '2026-07-09');
		expect([...byDay.keys()]).toEqual(['2026-07-10']);
		expect(byDay.get('2026-07-10')).toMatchObject({ up: 8, down: 4, latencySum: 140, latencyCount: 8 });
		// In no particular order: the chart maps them by day.
		const rows = (await dayRows(t.db, ids.api, '2026-07-01')).sort((a, b) => a.day.localeCompare(b.day));
		expect(rows.map((r) => [r.day, r.latencyMin, r.latencyMax])).toEqual([
			['2026-07-08', null, null],
			['2026-07-10', 14, 21]
		]);
		expect(await hourCountsSince(t.db, ids.api, new Date('2026-07-09T11:00:00Z'))).toEqual({ up: 8, degraded: 0, down: 4 });
		expect(await hourCountsSince(t.db, ids.api, new Date('2026-07-10T09:00:00Z'))).toEqual({ up: 0, degraded: 0, down: 0 });
		const hours = await hourRows(t.db, ids.api, new Date('2026-07-10T08:00:00Z'), new Date('2026-07-10T09:00:00Z'));
		expect(hours.map((h) => [h.bucket.toISOString(), h.up, h.down])).toEqual([['2026-07-10T08:00:00.000Z', 8, 4]]);
		const from = new Date('2026-07-09T00:00:00Z');
		const changes = await statusChangesPage(t.db, ids.api, { from, before: null, limit: 10 });
		expect(changes.map((c) => [c.toStatus, c.ts.toISOString()])).toEqual([
			['UP', '2026-07-10T08:20:00.000Z'],
			['DOWN', '2026-07-10T08:00:00.000Z']
		]);
		const older = await statusChangesPage(t.db, ids.api, { from, before: changes[0].ts, limit: 10 });
		expect(older.map((c) => c.toStatus)).toEqual(['DOWN']);
		expect(await statusChangesPage(t.db, ids.api, { from, before: null, limit: 1 })).toHaveLength(1);
	});

	it("counts public monitors' days by calendar index, and rereads finished days only after a minute", async () => {
		const days = lastDays(90, NOW, TZ);
		const cal = { days, timeZone: TZ, now: NOW.getTime() };
		await check('api', new Date('2026-07-09T12:00:00Z'), 'DOWN');
		await check('hidden', new Date('2026-07-09T12:00:00Z'), 'DOWN');
		const all = await publicDayCounts(t.db, cal);
		expect([...all.keys()]).toEqual([ids.api]);
		expect(all.get(ids.api)!.down[88]).toBe(1);

		const first = await barCounts(t.db, cal);
		expect(first.past.get(ids.api)!.down[88]).toBe(1);
		expect(first.today.size).toBe(0);
		// A late write into a finished day shows after the cache's minute; one today at once.
		await check('api', new Date('2026-07-09T13:00:00Z'), 'DOWN');
		await check('api', new Date('2026-07-10T09:55:00Z'), 'UP');
		const again = await barCounts(t.db, { ...cal, now: cal.now + 1000 });
		expect(again.past.get(ids.api)!.down[88]).toBe(1);
		expect(again.today.get(ids.api)).toMatchObject({ up: 1, down: 0 });
		const later = await barCounts(t.db, { ...cal, now: cal.now + PAST_DAYS_TTL_MS + 1000 });
		expect(later.past.get(ids.api)!.down[88]).toBe(2);
	});
});
