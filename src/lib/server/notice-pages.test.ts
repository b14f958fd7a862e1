import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from './db/testing';
import { upsertMonitors } from './db/queries/monitors';
import { clearBarCache } from './db/queries/days';
import { validateMonitorList } from './monitors/validate';
import { Notices } from './notices/cache';
import { createIncident, createMaintenance, postUpdate } from './notices/service';
import { feedResponse, historyData, incidentPageData, maintenancePageData } from './notice-pages';
import { homeData, monitorDays, monitorPage } from './status-pages';
import { unpackRow } from '$lib/row-html';

const TZ = 'UTC';

describe.each(DRIVERS)('incident and maintenance pages on %s', (driver) => {
	let t: TestDatabase;
	let notices: Notices;
	let app: { database: { db: TestDatabase['db'] }; notices: Notices; scheduler: null; config: { siteTitle: string; siteTimezone: string } };
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => {
		notices?.stop();
		await t?.destroy();
	});
	beforeEach(async () => {
		await truncateAll(t);
		clearBarCache(t.db);
		const r = validateMonitorList(
			[
				{ tag: 'api', name: 'API' },
				{ tag: 'secret', name: 'Secret', public: false },
				{ tag: 'off', name: 'Switched off', active: false }
			].map((m) => ({ type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] }, ...m }))
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(t.db, r.value);
		notices = new Notices({ db: t.db, refreshMs: 600_000 });
		app = { database: { db: t.db }, notices, scheduler: null, config: { siteTitle: 'Acme', siteTimezone: TZ } };
	});

	const now = () => new Date();
	async function incident(title: string, impact: string, at = now()) {
		const r = await createIncident(
			app,
			{
				title,
				impact,
				state: 'investigating',
				body: `About ${title}`,
				startedAt: at.toISOString(),
				monitors: [{ tag: 'api' }, { tag: 'secret' }, { tag: 'off' }]
			},
			'ana',
			at
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		return r.id;
	}

	it('home: incident cards, banner and bar marks from memory; hidden monitors never named', async () => {
		const id = await incident('Payments down', 'critical');
		await postUpdate(app, id, { state: 'identified', body: 'A bad **deploy**.' }, 'ana');
		const start = new Date(Date.now() - 600_000);
		const m = await createMaintenance(app, {
			title: 'DB upgrade',
			description: 'Upgrading',
			monitors: ['api'],
			window: { start: start.toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() }
		});
		if (!m.ok) throw new Error(JSON.stringify(m.errors));
		const h = await homeData(t.db, { title: 'Acme', timeZone: TZ, notices: notices.current() });
		expect(h.notices.incidents.map((c) => [c.title, c.impact, c.state, c.excerpt])).toEqual([
			['Payments down', 'critical', 'identified', 'A bad deploy.']
		]);
		expect(h.notices.incidents[0].monitors).toEqual([{ tag: 'api', name: 'API' }]);
		expect(h.notices.ongoing.map((c) => c.title)).toEqual(['DB upgrade']);
		// Probes have no data; a critical incident says more than "unknown".
		expect([h.banner.state, h.banner.headline]).toEqual(['DOWN', 'Major outage']);
		const row = unpackRow(h.groups[0].rows[0]);
		expect(row.m).toEqual([89, 3]);
		expect(JSON.stringify(h)).not.toContain('Secret');
		expect(JSON.stringify(h)).not.toContain('Switched off');

		const p = (await monitorPage(t.db, { tag: 'api', timeZone: TZ, notices: notices.current() }))!;
		expect(p.notices.incidents.map((e) => e.title)).toEqual(['Payments down']);
		expect(p.marks).toEqual([89, 3]);
		const days = (await monitorDays(t.db, 'api', TZ, new Date(), notices.current()))!;
		expect(days.days[89].lines.at(-1)).toBe('Incident: Payments down (critical impact)');
	});

	it('incident and maintenance pages: from memory or the database, 404 for unknown ids', async () => {
		const id = await incident('Old one', 'minor', new Date(Date.now() - 3_600_000));
		const p = (await incidentPageData(app, id))!;
		expect(p.title).toBe('Old one');
		expect(p.updates[0].html).toBe('<p>About Old one</p>\n');
		expect(p.monitors.map((m) => m.tag)).toEqual(['api']);
		// Not in memory (a stand-in with nothing loaded): read from the database.
		const cold = { ...app, notices: { current: () => ({ version: 0, loadedAt: new Date(0), incidents: [], maintenances: [] }) } };
		expect((await incidentPageData(cold, id))!.title).toBe('Old one');
		expect(await incidentPageData(app, '999999')).toBeNull();
		expect(await incidentPageData(app, '1e3')).toBeNull();
		expect(await maintenancePageData(app, '1')).toBeNull();
	});

	it('history: newest first by month from the database, paged', async () => {
		await incident('First', 'minor', new Date(Date.now() - 40 * 86_400_000));
		await incident('Second', 'major', new Date(Date.now() - 3_600_000));
		const h = (await historyData(app, null))!;
		const titles = h.months.flatMap((m) => m.entries.map((e) => e.title));
		expect(titles).toEqual(['Second', 'First']);
		expect(h.months.length).toBeGreaterThanOrEqual(2);
		expect((await historyData(app, '2'))!.months.flatMap((m) => m.entries)).toEqual([]);
		expect(await historyData(app, '-1')).toBeNull();
		expect(await historyData(app, '1e309')).toBeNull();
	});

	it('the Atom feed parses, names the incidents and revalidates with its ETag', async () => {
		await incident('Feed me', 'major');
		const r = feedResponse(app, 'https://status.example.test', null);
		expect(r.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
		const feed = parseFeed(await r.text());
		expect(feed.items.map((i) => [i.title, i.url])).toEqual([
			['Feed me', expect.stringMatching(/^https:\/\/status\.example\.test\/incidents\/\d+$/)]
		]);
		expect(feedResponse(app, 'https://status.example.test', r.headers.get('etag')).status).toBe(304);
	});
});
