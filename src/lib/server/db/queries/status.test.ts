import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { recordCheck } from './checks';
import { upsertMonitors } from './monitors';
import { monitorSummaries } from './status';
import { validateMonitorList } from '../../monitors/validate';
import type { MonitorStatus } from '../../types';

const NOW = new Date('2026-06-30T12:30:00Z');

describe.each(DRIVERS)('monitor summaries on %s', (driver) => {
	let t: TestDatabase;
	const ids: Record<string, number> = {};
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		const r = validateMonitorList(
			['a', 'b', 'hidden', 'off'].map((tag) => ({
				tag,
				name: tag.toUpperCase(),
				type: 'TCP',
				type_data: { hosts: [{ host: '127.0.0.1' }] },
				public: tag !== 'hidden',
				active: tag !== 'off'
			}))
		);
		if (!r.ok) throw new Error('fixture');
		await upsertMonitors(t.db, r.value);
		for (const m of await t.db.query.monitors.findMany()) ids[m.tag] = m.id;
	});
	const rec = (tag: string, ts: Date, status: MonitorStatus) =>
		recordCheck(t.db, { monitorId: ids[tag], ts, status, latency: 5, pings: [] }, 'UTC');
	const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);
	const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

	it('computes uptime per window, leaving maintenance and empty windows out', async () => {
		for (let i = 0; i < 8; i++) await rec('a', minutesAgo(i), 'UP');
		await rec('a', minutesAgo(8), 'DOWN');
		await rec('a', minutesAgo(9), 'MAINTENANCE');
		await rec('a', minutesAgo(10), 'DEGRADED');
		await rec('a', daysAgo(10), 'DOWN'); // inside 30d and 90d only
		const s = await monitorSummaries(t.db, { timeZone: 'UTC', now: NOW, publicOnly: true });
		expect(s.map((m) => m.tag)).toEqual(['a', 'b']);
		const a = s[0];
		expect(a.status).toBe('UP');
		expect(a.uptime['24h']).toBeCloseTo(9 / 10, 10);
		expect(a.uptime['7d']).toBeCloseTo(9 / 10, 10);
		expect(a.uptime['30d']).toBeCloseTo(9 / 11, 10);
		expect(a.uptime['90d']).toBeCloseTo(9 / 11, 10);
		// b has no checks: no data, never 100 %.
		expect(s[1]).toMatchObject({ status: null, uptime: { '24h': null, '7d': null, '30d': null, '90d': null } });
	});

	it('includes hidden monitors only when asked, and never inactive ones', async () => {
		const all = await monitorSummaries(t.db, { timeZone: 'UTC', now: NOW });
		expect(all.map((m) => m.tag).sort()).toEqual(['a', 'b', 'hidden']);
	});
});
