import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../db/testing';
import { Notices } from './cache';
import {
	cancelMaintenanceOccurrence,
	createIncident,
	createMaintenance,
	deleteUpdate,
	editIncident,
	editUpdate,
	endMaintenanceNow,
	getIncident,
	getMaintenance,
	postUpdate,
	resolveIncident
} from './service';
import { MaintenanceIndex } from '../probe/maintenance';
import { nextOccurrences } from '../maintenance/recurrence';
import { countRows, seedNoticeMonitors } from './testing';

describe.each(DRIVERS)('incidents and maintenance on %s', (driver) => {
	let t: TestDatabase;
	let notices: Notices;
	let refreshed = 0;
	const app = () => ({ database: t, notices, scheduler: { refresh: async () => void refreshed++ } });

	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await seedNoticeMonitors(t);
		notices = new Notices({ db: t.db });
		refreshed = 0;
	});

	it('opens an incident with its first update, moves it with updates and resolves it', async () => {
		const t0 = new Date('2026-12-01T10:00:00Z');
		const r = await createIncident(
			app(),
			{ title: 'Database slow', body: 'We are **looking**.', monitors: [{ tag: 'db-main', impact: 'major' }, 'web'] },
			'ops@example.com',
			t0
		);
		expect(r).toMatchObject({ ok: true });
		const id = r.ok ? r.id : '';
		let i = (await getIncident(t.db, id, false))!;
		expect(i).toMatchObject({ title: 'Database slow', state: 'investigating', impact: 'major', resolvedAt: null });
		expect(i.monitors.map((m) => [m.tag, m.impact])).toEqual([
			['db-main', 'major'],
			['web', 'major']
		]);
		expect(notices.current().incidents.map((x) => x.id)).toEqual([id]);

		await postUpdate(app(), id, { state: 'identified', body: 'A full disk.' }, 'ops@example.com', new Date(t0.getTime() + 60_000));
		await postUpdate(app(), id, { state: 'monitoring', body: 'Space freed.' }, 'ops@example.com', new Date(t0.getTime() + 120_000));
		i = (await getIncident(t.db, id, false))!;
		expect(i.state).toBe('monitoring');
		const resolvedAt = new Date(t0.getTime() + 180_000);
		expect(await resolveIncident(app(), id, '', 'ops@example.com', resolvedAt)).toMatchObject({ ok: true });
		i = (await getIncident(t.db, id, false))!;
		expect(i.state).toBe('resolved');
		expect(i.resolvedAt?.toISOString()).toBe(resolvedAt.toISOString());
		expect(i.updates.map((u) => u.state)).toEqual(['resolved', 'monitoring', 'identified', 'investigating']);
		expect(i.updates[0].body).toBe('This incident has been resolved.');
		expect(notices.current().incidents[0].state).toBe('resolved');
	});

	it('keeps the state on the latest update when updates are edited or deleted, and keeps at least one', async () => {
		const t0 = new Date('2026-12-01T10:00:00Z');
		const r = await createIncident(app(), { title: 'x', body: 'first' }, null, t0);
		const id = r.ok ? r.id : '';
		const u = await postUpdate(app(), id, { state: 'resolved', body: 'done' }, null, new Date(t0.getTime() + 1000));
		const updateId = u.ok ? u.id : '';
		expect((await getIncident(t.db, id, false))!.state).toBe('resolved');
		expect(await editUpdate(app(), id, updateId, { state: 'monitoring', body: 'not quite' })).toMatchObject({ ok: true });
		let i = (await getIncident(t.db, id, false))!;
		expect([i.state, i.resolvedAt]).toEqual(['monitoring', null]);
		expect(i.updates[0].updatedAt).toBeInstanceOf(Date);
		expect(await deleteUpdate(app(), id, updateId)).toMatchObject({ ok: true });
		i = (await getIncident(t.db, id, false))!;
		expect(i.state).toBe('investigating');
		expect(await deleteUpdate(app(), id, i.updates[0].id)).toMatchObject({ ok: false, status: 409 });
		expect(await deleteUpdate(app(), '99', i.updates[0].id)).toMatchObject({ ok: false, status: 404 });
		expect(await editUpdate(app(), id, '1e9', { state: 'resolved', body: 'x' })).toMatchObject({ ok: false, status: 404 });
	});

	it('refuses bad input with the field named and saves nothing', async () => {
		const cases: [unknown, string][] = [
			[{ title: '', body: 'x' }, 'title'],
			[{ title: '   ', body: 'x' }, 'title'],
			[{ title: 'ok', body: 'x', impact: 'apocalyptic' }, 'impact'],
			[{ title: 'ok', body: 'x', monitors: ['nope'] }, 'monitors[0]'],
			[{ title: 'ok', body: 'x', monitors: ['zz-*'] }, 'monitors[0]'],
			[{ title: 'ok', body: 'x', state: 'sleeping' }, 'state'],
			[{ title: 'ok', body: 'a'.repeat(1024 * 1024) }, 'body'],
			[{ title: 'ok', body: '' }, 'body'],
			[{ title: 'ok', body: 'x', startedAt: '2026-12-01T10:00' }, 'startedAt'],
			[{ title: 'a\nb', body: 'x' }, 'title'],
			[{ title: 'a \u202eevil', body: 'x' }, 'title'],
			[[], '']
		];
		for (const [input, field] of cases) {
			const r = await createIncident(app(), input, null);
			expect(r, JSON.stringify(input).slice(0, 80)).toMatchObject({ ok: false, status: 400 });
			if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(field);
		}
		expect(await countRows(t, 'incidents')).toBe(0);
		expect(await countRows(t, 'incident_updates')).toBe(0);
		const ok = await createIncident(app(), { title: 'ok', body: 'x' }, null);
		const id = ok.ok ? ok.id : '';
		expect(await postUpdate(app(), id, { state: 'resolved', body: 'b'.repeat(70 * 1024) }, null)).toMatchObject({
			ok: false,
			errors: [{ path: 'body' }]
		});
		expect(await editIncident(app(), id, { monitors: ['nope'] })).toMatchObject({ ok: false, errors: [{ path: 'monitors[0]' }] });
		expect(await countRows(t, 'incident_updates')).toBe(1);
	});

	it('shows visitors an incident on a hidden monitor without naming the monitor', async () => {
		const r = await createIncident(app(), { title: 'x', body: 'y', monitors: ['secret', 'web'] }, null);
		const id = r.ok ? r.id : '';
		expect(notices.current().incidents[0].monitors.map((m) => m.tag)).toEqual(['web']);
		expect((await getIncident(t.db, id, true))!.monitors.map((m) => m.tag)).toEqual(['web']);
		expect((await getIncident(t.db, id, false))!.monitors.map((m) => m.tag).sort()).toEqual(['secret', 'web']);
	});

	it('opens "maintenance for the next 20 minutes on db-*" and the probe loop sees it', async () => {
		const now = new Date('2026-12-01T10:00:00Z');
		const r = await createMaintenance(app(), { title: 'Deploy', monitors: ['db-*'], window: { durationMinutes: 20 } }, now);
		expect(r).toMatchObject({ ok: true });
		expect(refreshed).toBe(1);
		const m = (await getMaintenance(t.db, r.ok ? r.id : '', false))!;
		expect(m.monitors.map((x) => x.tag)).toEqual(['db-main', 'db-replica']);
		expect(m.window).toMatchObject({ start: now, end: new Date('2026-12-01T10:20:00Z') });
		const ids = Object.fromEntries(
			((await t.db.execute(sql`select tag, id from monitors`)) as unknown as { rows: { tag: string; id: number }[] }).rows.map((x) => [
				x.tag,
				x.id
			])
		);
		const index = new MaintenanceIndex();
		await index.refresh(t.db, now);
		expect(index.covers(ids['db-main'], new Date('2026-12-01T10:19:00Z'))).toBe(true);
		expect(index.covers(ids['db-main'], new Date('2026-12-01T10:20:00Z'))).toBe(false);
		expect(index.covers(ids.web, new Date('2026-12-01T10:05:00Z'))).toBe(false);
		// End now: the rest of the window is gone for the probe loop too.
		expect(await endMaintenanceNow(app(), r.ok ? r.id : '', new Date('2026-12-01T10:05:00Z'))).toMatchObject({ ok: true });
		expect(await endMaintenanceNow(app(), r.ok ? r.id : '', new Date('2026-12-01T10:06:00Z'))).toMatchObject({ ok: false, status: 409 });
		await index.refresh(t.db, now);
		expect(index.covers(ids['db-main'], new Date('2026-12-01T10:04:00Z'))).toBe(true);
		expect(index.covers(ids['db-main'], new Date('2026-12-01T10:06:00Z'))).toBe(false);
	});

	it('stores a recurring window, cancels one occurrence, and refuses bad windows naming the field', async () => {
		const now = new Date('2026-12-01T10:00:00Z');
		const window = { rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=0', dtstart: '2026-12-02T02:00', durationMinutes: 60, timeZone: 'Europe/Berlin' };
		const r = await createMaintenance(app(), { title: 'Nightly', monitors: ['web'], window }, now);
		expect(r).toMatchObject({ ok: true });
		const id = r.ok ? r.id : '';
		const next = nextOccurrences((await getMaintenance(t.db, id, false))!.window, now, 3);
		expect(next.map((o) => o.start.toISOString())).toEqual([
			'2026-12-02T01:00:00.000Z',
			'2026-12-03T01:00:00.000Z',
			'2026-12-04T01:00:00.000Z'
		]);
		expect(await cancelMaintenanceOccurrence(app(), id, '2026-12-03T01:00:00.000Z')).toMatchObject({ ok: true });
		expect(await cancelMaintenanceOccurrence(app(), id, '2026-12-03T01:30:00.000Z')).toMatchObject({
			ok: false,
			errors: [{ path: 'start' }]
		});
		const after = nextOccurrences((await getMaintenance(t.db, id, false))!.window, now, 2);
		expect(after.map((o) => o.start.toISOString())).toEqual(['2026-12-02T01:00:00.000Z', '2026-12-04T01:00:00.000Z']);
		// End now cuts only the occurrence in progress; the schedule stands, and an earlier cut stays.
		expect(await endMaintenanceNow(app(), id, new Date('2026-12-01T12:00:00Z'))).toMatchObject({ ok: false, status: 409 });
		expect(await endMaintenanceNow(app(), id, new Date('2026-12-02T01:10:00Z'))).toMatchObject({ ok: true });
		expect(await endMaintenanceNow(app(), id, new Date('2026-12-04T01:20:00Z'))).toMatchObject({ ok: true });
		const cut = nextOccurrences((await getMaintenance(t.db, id, false))!.window, new Date('2026-12-01T12:00:00Z'), 3);
		expect(cut.map((o) => [o.start.toISOString(), o.end.toISOString()])).toEqual([
			['2026-12-02T01:00:00.000Z', '2026-12-02T01:10:00.000Z'],
			['2026-12-04T01:00:00.000Z', '2026-12-04T01:20:00.000Z'],
			['2026-12-05T01:00:00.000Z', '2026-12-05T02:00:00.000Z']
		]);
		const webId = Number(
			((await t.db.execute(sql`select id from monitors where tag = 'web'`)) as unknown as { rows: { id: number }[] }).rows[0].id
		);
		const index = new MaintenanceIndex();
		await index.refresh(t.db, new Date('2026-12-02T00:00:00Z'));
		expect(index.covers(webId, new Date('2026-12-02T01:05:00Z'))).toBe(true);
		expect(index.covers(webId, new Date('2026-12-02T01:10:00Z'))).toBe(false);
		expect(index.covers(webId, new Date('2026-12-03T01:05:00Z'))).toBe(false);
		expect(notices.current().maintenances.map((m) => m.id)).toEqual([id]);

		const bad: [unknown, string][] = [
			[{ title: 'x', monitors: ['web'], window: { start: '2026-12-01T12:00:00Z', end: '2026-12-01T11:00:00Z' } }, 'window.end'],
			[{ title: 'x', monitors: ['web'], window: { ...window, rrule: 'FREQ=MINUTELY;INTERVAL=2' } }, 'window.rrule'],
			[{ title: 'x', monitors: ['web'], window: { ...window, rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' } }, 'window.rrule'],
			[{ title: 'x', monitors: ['ghost'], window }, 'monitors[0]'],
			[{ title: 'x', monitors: [], window }, 'monitors'],
			[{ title: '', monitors: ['web'], window }, 'title'],
			[{ title: 'x', monitors: ['web'], description: 'd'.repeat(1024 * 1024), window }, 'description'],
			[{ title: 'x', monitors: ['web'], window: { ...window, timeZone: 'Mars/Olympus' } }, 'window.timeZone']
		];
		for (const [input, field] of bad) {
			const res = await createMaintenance(app(), input, now);
			expect(res, field).toMatchObject({ ok: false, status: 400 });
			if (!res.ok) expect(res.errors.map((e) => e.path)).toContain(field);
		}
		expect(await countRows(t, 'maintenances')).toBe(1);
	});
});
