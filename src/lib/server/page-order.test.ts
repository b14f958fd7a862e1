// What a visitor sees must be true: names in natural order
// wherever monitors are listed, and a monitor without a current check is
// unknown, not up, on the page, in the snapshot and in /api/v2/status.json.
import { beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, type TestDatabase } from './db/testing';
import { useTestDatabase } from './db/test-hooks';
import { recordCheck } from './db/queries/checks';
import { listAdminMonitors, upsertMonitors } from './db/queries/monitors';
import { monitorSummaries } from './db/queries/status';
import { clearBarCache } from './db/queries/days';
import { validateMonitorList } from './monitors/validate';
import { listPublicMonitors } from './api/monitors';
import { StatusSnapshot } from './snapshot';
import { statusJson, summaryJson } from './public/statuspage';
import { badgeReply, type BadgeRequest } from './public/badges';
import { homeData } from './status-pages';
import { unpackRow } from '$lib/row-html';

const NOW = new Date('2026-07-10T10:00:00Z');
const MIN = 60_000;
const host = { hosts: [{ host: '127.0.0.1', port: 9 }] };

describe.each(DRIVERS)('natural order and current status on %s', (driver) => {
	let t: TestDatabase;
	let snap: StatusSnapshot | undefined;
	const ids: Record<string, number> = {};
	useTestDatabase(driver, (d) => (t = d), { beforeReset: () => snap?.stop() });
	beforeEach(async () => {
		clearBarCache(t.db);
	});

	async function seed(list: { tag: string; name: string; group?: string; order?: number }[]) {
		const r = validateMonitorList(list.map((m) => ({ ...m, type: 'TCP', cron: '* * * * *', type_data: host })));
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(t.db, r.value);
		for (const m of await t.db.query.monitors.findMany()) ids[m.tag] = m.id;
	}
	const up = (tag: string, ts: Date) => recordCheck(t.db, { monitorId: ids[tag], ts, status: 'UP', latency: 3, pings: [] }, 'UTC');

	it('lists names naturally, ungrouped first, explicit order before the name, everywhere', async () => {
		// Inserted in text order (the order the database would sort them in).
		const names = ['TCP 1', 'TCP 10', 'TCP 100', 'TCP 101', 'TCP 11', 'TCP 2', 'tcp 3', 'TCP 20'];
		await seed([
			...names.map((name, i) => ({ tag: `t${i}`, name })),
			{ tag: 'g10a', name: 'Node 10', group: 'Group 10' },
			{ tag: 'g10b', name: 'Node 9', group: 'Group 10' },
			{ tag: 'g2', name: 'Zeta', group: 'Group 2' },
			{ tag: 'g2first', name: 'Zulu', group: 'Group 2', order: -1 }
		]);
		const want = ['TCP 1', 'TCP 2', 'tcp 3', 'TCP 10', 'TCP 11', 'TCP 20', 'TCP 100', 'TCP 101', 'Zulu', 'Zeta', 'Node 9', 'Node 10'];

		const home = await homeData(t.db, { title: 'S', timeZone: 'UTC', now: NOW });
		expect(home.groups.map((g) => g.name)).toEqual([null, 'Group 2', 'Group 10']);
		expect(home.groups.flatMap((g) => g.rows.map((r) => unpackRow(r).name))).toEqual(want);
		expect((await listAdminMonitors(t.db, NOW)).map((m) => m.name)).toEqual(want);
		expect((await monitorSummaries(t.db, { timeZone: 'UTC', now: NOW })).map((m) => m.name)).toEqual(want);
		expect((await listPublicMonitors(t.db, 'UTC')).monitors.map((m) => m.name)).toEqual(want);

		for (const tag of Object.keys(ids)) await up(tag, new Date(NOW.getTime() - MIN));
		snap = new StatusSnapshot({ db: t.db, timeZone: 'UTC', now: () => NOW, refreshMs: 600_000 });
		await snap.start();
		expect(snap.current()!.monitors.map((m) => m.name)).toEqual(want);
		const components = summaryJson(snap.current()!, { url: 'http://x', name: 'S', timeZone: 'UTC' }).components;
		expect(components.map((c) => c.name)).toEqual([...want.slice(0, 8), 'Group 2', 'Zulu', 'Zeta', 'Group 10', 'Node 9', 'Node 10']);
	});

	it('a monitor without a current check is unknown on the page and in status.json, and turns so as its check ages', async () => {
		await seed([
			{ tag: 'a', name: 'A' },
			{ tag: 'b', name: 'B' },
			{ tag: 'c', name: 'C' }
		]);
		await up('a', new Date(NOW.getTime() - MIN));
		await up('b', new Date(NOW.getTime() - MIN));
		// c's check is ten one-minute slots old: no recent data, whatever it said.
		await up('c', new Date(NOW.getTime() - 10 * MIN));

		const home = await homeData(t.db, { title: 'S', timeZone: 'UTC', now: NOW });
		expect(home.banner).toMatchObject({ state: 'NODATA', headline: '1 monitor has no recent data', note: 'No recent data: C' });

		let now = NOW;
		snap = new StatusSnapshot({ db: t.db, timeZone: 'UTC', now: () => now, refreshMs: 600_000 });
		await snap.start();
		const info = { url: 'http://x', name: 'S', timeZone: 'UTC' };
		expect(snap.current()!.monitors.map((m) => [m.tag, m.current])).toEqual([
			['a', true],
			['b', true],
			['c', false]
		]);
		expect(statusJson(snap.current()!, info).status).toEqual({ indicator: 'minor', description: '1 monitor has no recent data' });
		expect(summaryJson(snap.current()!, info).components.map((c) => c.id)).toEqual(['a', 'b']);
		// Badges too: c's last check said UP, but that is not status now; all together is not "up".
		const badge = async (tag: string) => {
			const req: BadgeRequest = {
				kind: 'status',
				format: 'json',
				query: new URLSearchParams(),
				ifNoneMatch: null,
				snapshot: snap!,
				maxAge: 30,
				siteTitle: 'S',
				tag
			};
			return JSON.parse(new TextDecoder().decode((await badgeReply(req)).body!)).message;
		};
		expect([await badge('a'), await badge('c'), await badge('_')]).toEqual(['up', 'no data', 'no data']);

		// Nothing is written; ten minutes pass. a and b age out at the next refresh.
		now = new Date(NOW.getTime() + 10 * MIN);
		await snap.refresh();
		expect(snap.current()!.monitors.map((m) => m.current)).toEqual([false, false, false]);
		expect(statusJson(snap.current()!, info).status).toEqual({ indicator: 'minor', description: 'Status unknown' });

		// Fresh checks for all: all systems operational again.
		for (const tag of ['a', 'b', 'c']) await up(tag, new Date(now.getTime() - MIN));
		await snap.refresh();
		expect(statusJson(snap.current()!, info).status).toEqual({ indicator: 'none', description: 'All systems operational' });
		expect([await badge('c'), await badge('_')]).toEqual(['up', 'up']);
	});
});
