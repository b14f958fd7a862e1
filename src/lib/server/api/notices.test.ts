import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../db/testing';
import { monitorsByTag } from '../db/queries/incidents';
import { Notices } from '../notices/cache';
import { MaintenanceIndex } from '../probe/maintenance';
import { MAX_MARKDOWN_BYTES } from '../incidents/markdown';
import { windowState } from '../maintenance/recurrence';
import { getMaintenance } from '../notices/service';
import { countRows, seedNoticeMonitors } from '../notices/testing';
import {
	apiCancelOccurrence,
	apiCreateIncident,
	apiCreateMaintenance,
	apiDeleteIncident,
	apiDeleteMaintenance,
	apiDeleteUpdate,
	apiEditIncident,
	apiEditUpdate,
	apiEndMaintenance,
	apiGetIncident,
	apiGetMaintenance,
	apiListIncidents,
	apiListMaintenance,
	apiPostUpdate,
	apiReplaceMaintenance,
	apiResolveIncident
} from './notices';
import { readJson, type ApiReply } from './write';

const MIN = 60_000;
type Body = Record<string, unknown> & { errors?: { path: string; message: string }[] };
const bodyOf = (r: ApiReply) => r.body as Body;
const paths = (r: ApiReply) => (bodyOf(r).errors ?? []).map((e) => e.path);

describe.each(DRIVERS)('/api/v1 incidents and maintenance on %s', (driver) => {
	let t: TestDatabase;
	let notices: Notices;
	let refreshed = 0;
	const app = () => ({ database: t, notices, scheduler: { refresh: async () => void refreshed++ } });
	const count = (table: string) => countRows(t, table);
	const idOf = async (tag: string) => (await monitorsByTag(t.db)).get(tag)!.id;

	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await seedNoticeMonitors(t);
		notices = new Notices({ db: t.db });
		refreshed = 0;
	});

	it('opens a window for the next 20 minutes on db-*, which the probe loop honours, and ends it', async () => {
		const now = new Date('2026-12-01T10:00:00Z');
		const r = await apiCreateMaintenance(app(), { title: 'Deploy 1.4', monitors: ['db-*'], window: { durationMinutes: 20 } }, now);
		expect(r.status).toBe(201);
		const m = bodyOf(r);
		expect(r.headers).toEqual({ location: `/api/v1/maintenance/${m.id}` });
		expect(m).toMatchObject({
			id: expect.stringMatching(/^\d+$/),
			title: 'Deploy 1.4',
			description: '',
			monitors: [
				{ tag: 'db-main', name: 'Name of db-main' },
				{ tag: 'db-replica', name: 'Name of db-replica' }
			],
			window: { start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T10:20:00.000Z' },
			state: 'in_progress',
			next: [{ start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T10:20:00.000Z' }],
			cancelled: [],
			endedAt: null
		});
		expect(refreshed).toBe(1);
		expect(notices.current().maintenances.map((x) => x.id)).toEqual([m.id]);

		const index = new MaintenanceIndex();
		await index.refresh(t.db, now);
		const [dbMain, dbReplica, web] = [await idOf('db-main'), await idOf('db-replica'), await idOf('web')];
		expect(index.covers(dbMain, new Date(now.getTime() + 10 * MIN))).toBe(true);
		expect(index.covers(dbReplica, new Date(now.getTime() + 19 * MIN))).toBe(true);
		expect(index.covers(dbMain, new Date(now.getTime() + 20 * MIN))).toBe(false);
		expect(index.covers(web, new Date(now.getTime() + 10 * MIN))).toBe(false);

		const endAt = new Date(now.getTime() + 5 * MIN);
		const ended = await apiEndMaintenance(app(), String(m.id), endAt);
		expect(ended.status).toBe(200);
		expect(bodyOf(ended)).toMatchObject({ state: 'completed', next: [], endedAt: endAt.toISOString() });
		await index.refresh(t.db, endAt);
		expect(index.covers(dbMain, new Date(now.getTime() + 4 * MIN))).toBe(true);
		expect(index.covers(dbMain, new Date(now.getTime() + 6 * MIN))).toBe(false);
		expect(index.covers(dbReplica, new Date(now.getTime() + 10 * MIN))).toBe(false);
		// Ending again is refused, naming why, and keeps the first end.
		const again = await apiEndMaintenance(app(), String(m.id), new Date(now.getTime() + 8 * MIN));
		expect(again.status).toBe(409);
		expect(bodyOf(again).error).toMatch(/already over/);
		expect(bodyOf(await apiGetMaintenance(t.db, String(m.id), endAt)).endedAt).toBe(endAt.toISOString());
	});

	it('refuses bad windows with the field named and saves nothing', async () => {
		const now = new Date('2026-12-01T10:00:00Z');
		const ok = { title: 'Deploy', monitors: ['db-main'], window: { durationMinutes: 20 } };
		const cases: [unknown, string][] = [
			[{ ...ok, window: { start: '2026-12-01T11:00:00Z', end: '2026-12-01T10:00:00Z' } }, 'window.end'],
			[{ ...ok, window: { rrule: 'FREQ=MINUTELY', dtstart: '2026-12-01T10:00', durationMinutes: 1, timeZone: 'UTC' } }, 'window.rrule'],
			[{ ...ok, window: { durationMinutes: 0 } }, 'window.durationMinutes'],
			[{ ...ok, window: { start: '2026-12-01T10:00', end: '2026-12-01T11:00:00Z' } }, 'window.start'],
			[{ ...ok, monitors: ['nope'] }, 'monitors[0]'],
			[{ ...ok, monitors: ['zz-*'] }, 'monitors[0]'],
			[{ ...ok, monitors: [] }, 'monitors'],
			[{ ...ok, title: '' }, 'title'],
			[{ ...ok, description: 'a'.repeat(MAX_MARKDOWN_BYTES + 1) }, 'description'],
			[{ ...ok, description: 'a'.repeat(1024 * 1024) }, 'description'],
			[{ ...ok, titel: 'typo' }, 'titel'],
			[[ok], ''],
			['deploy', '']
		];
		for (const [input, field] of cases) {
			const r = await apiCreateMaintenance(app(), input, now);
			expect(r.status, JSON.stringify(input).slice(0, 100)).toBe(400);
			expect(paths(r), JSON.stringify(input).slice(0, 100)).toContain(field);
			expect(bodyOf(r).error).toMatch(/nothing was written/);
		}
		expect(await count('maintenances')).toBe(0);
		expect(refreshed).toBe(0);
		// A bad replacement leaves the saved window as it was.
		const created = bodyOf(await apiCreateMaintenance(app(), ok, now));
		const before = bodyOf(await apiGetMaintenance(t.db, String(created.id), now));
		const bad = await apiReplaceMaintenance(app(), String(created.id), { ...ok, title: '', monitors: ['nope'] }, now);
		expect(paths(bad).sort()).toEqual(['monitors[0]', 'title']);
		expect(bodyOf(await apiGetMaintenance(t.db, String(created.id), now))).toEqual(before);
	});

	it('refuses bad incidents with the field named and saves nothing', async () => {
		const cases: [unknown, string][] = [
			[{ title: '', body: 'x' }, 'title'],
			[{ title: 'ok', body: 'x', impact: 'apocalyptic' }, 'impact'],
			[{ title: 'ok', body: 'x', monitors: ['nope'] }, 'monitors[0]'],
			[{ title: 'ok', body: 'x', monitors: [{ tag: 'db-main', impact: 'huge' }] }, 'monitors[0].impact'],
			[{ title: 'ok', body: 'x', state: 'sleeping' }, 'state'],
			[{ title: 'ok', body: 'a'.repeat(1024 * 1024) }, 'body'],
			[{ title: 'ok', body: '' }, 'body'],
			[{ title: 'ok', body: 'x', startedAt: '2026-12-01T10:00' }, 'startedAt'],
			[{ title: 'ok', body: 'x', severity: 'high' }, 'severity'],
			[null, '']
		];
		for (const [input, field] of cases) {
			const r = await apiCreateIncident(app(), input, null);
			expect(r.status, JSON.stringify(input)?.slice(0, 100)).toBe(400);
			expect(paths(r), JSON.stringify(input)?.slice(0, 100)).toContain(field);
		}
		expect(await count('incidents')).toBe(0);
		expect(await count('incident_updates')).toBe(0);
	});

	it('runs an incident from open to resolved, naming hidden monitors and who wrote each update', async () => {
		const t0 = new Date(Date.now() - 60 * MIN);
		const r = await apiCreateIncident(
			app(),
			{ title: 'Database slow', body: 'We are **looking**.', monitors: [{ tag: 'db-main', impact: 'critical' }, 'secret'] },
			'ci (API key)',
			t0
		);
		expect(r.status).toBe(201);
		const id = String(bodyOf(r).id);
		expect(r.headers).toEqual({ location: `/api/v1/incidents/${id}` });
		expect(bodyOf(r)).toMatchObject({
			title: 'Database slow',
			impact: 'critical',
			state: 'investigating',
			startedAt: t0.toISOString(),
			resolvedAt: null,
			postmortem: null,
			monitors: [
				{ tag: 'db-main', name: 'Name of db-main', impact: 'critical' },
				{ tag: 'secret', name: 'Name of secret', impact: 'major' }
			],
			updates: [{ state: 'investigating', body: 'We are **looking**.', author: 'ci (API key)', updatedAt: null }]
		});

		const u = await apiPostUpdate(
			app(),
			id,
			{ state: 'identified', body: 'A full disk.' },
			'ops@example.com',
			new Date(t0.getTime() + MIN)
		);
		expect(u.status).toBe(201);
		const updateId = (bodyOf(u).updates as { id: string }[])[0].id;
		expect(u.headers).toEqual({ location: `/api/v1/incidents/${id}/updates/${updateId}` });
		expect(bodyOf(u)).toMatchObject({ state: 'identified' });
		// PATCH of an update keeps what it is not given.
		const edited = await apiEditUpdate(app(), id, updateId, { body: 'A full disk on db-main.' });
		expect((bodyOf(edited).updates as object[])[0]).toMatchObject({
			state: 'identified',
			body: 'A full disk on db-main.',
			author: 'ops@example.com'
		});
		expect(paths(await apiEditUpdate(app(), id, updateId, { state: 'gone' }))).toEqual(['state']);

		const patched = await apiEditIncident(app(), id, { title: 'Database full', postmortem: '## What happened' });
		expect(bodyOf(patched)).toMatchObject({ title: 'Database full', postmortem: '## What happened', impact: 'critical' });
		expect((bodyOf(patched).monitors as object[]).length).toBe(2);
		// The state moves with updates, not with PATCH.
		expect(paths(await apiEditIncident(app(), id, { state: 'resolved' }))).toEqual(['state']);
		expect(paths(await apiEditIncident(app(), id, { monitors: ['nope'] }))).toEqual(['monitors[0]']);

		const resolved = await apiResolveIncident(app(), id, undefined, 'ci (API key)', new Date(t0.getTime() + 2 * MIN));
		expect(resolved.status).toBe(200);
		expect(bodyOf(resolved)).toMatchObject({ state: 'resolved', resolvedAt: new Date(t0.getTime() + 2 * MIN).toISOString() });
		expect((bodyOf(resolved).updates as object[])[0]).toMatchObject({ state: 'resolved', body: 'This incident has been resolved.' });
		expect(notices.current().incidents[0]).toMatchObject({ id, state: 'resolved' });

		// Updates go until the last one, which stays (409): delete the incident instead.
		const all = (bodyOf(resolved).updates as { id: string }[]).map((x) => x.id);
		expect(await apiDeleteUpdate(app(), id, all[0])).toEqual({ status: 204, body: null });
		expect(await apiDeleteUpdate(app(), id, all[1])).toEqual({ status: 204, body: null });
		const last = await apiDeleteUpdate(app(), id, all[2]);
		expect(last.status).toBe(409);
		expect(paths(last)).toEqual(['updateId']);
		expect(bodyOf(await apiGetIncident(t.db, id))).toMatchObject({ state: 'investigating', updates: [{ id: all[2] }] });
		expect(await apiDeleteIncident(app(), id)).toEqual({ status: 204, body: null });
		expect((await apiDeleteIncident(app(), id)).status).toBe(404);
		expect(await count('incident_updates')).toBe(0);
	});

	it('answers 404 for odd and unknown ids, never a database error', async () => {
		const now = new Date();
		const inc = bodyOf(await apiCreateIncident(app(), { title: 'x', body: 'y' }, null));
		const win = bodyOf(await apiCreateMaintenance(app(), { title: 'w', monitors: ['web'], window: { durationMinutes: 20 } }, now));
		const updateId = (inc.updates as { id: string }[])[0].id;
		const incBefore = bodyOf(await apiGetIncident(t.db, String(inc.id)));
		const odd = ['1e9', '-1', 'abc', '99999999999', '2147483648', '0', '01', '1.5', ' 1', '4242'];
		for (const id of odd) {
			const replies: [string, ApiReply][] = [
				['get incident', await apiGetIncident(t.db, id)],
				['patch incident', await apiEditIncident(app(), id, { title: 'z' })],
				['delete incident', await apiDeleteIncident(app(), id)],
				['post update', await apiPostUpdate(app(), id, { state: 'identified', body: 'z' }, null)],
				['patch update', await apiEditUpdate(app(), id, updateId, { body: 'z' })],
				['patch update id', await apiEditUpdate(app(), String(inc.id), id, { body: 'z' })],
				['delete update', await apiDeleteUpdate(app(), id, updateId)],
				['delete update id', await apiDeleteUpdate(app(), String(inc.id), id)],
				['resolve', await apiResolveIncident(app(), id, undefined, null)],
				['get maintenance', await apiGetMaintenance(t.db, id)],
				['put maintenance', await apiReplaceMaintenance(app(), id, { title: 'w', monitors: ['web'], window: { durationMinutes: 5 } })],
				['delete maintenance', await apiDeleteMaintenance(app(), id)],
				['end', await apiEndMaintenance(app(), id)],
				['cancel', await apiCancelOccurrence(app(), id, { start: now.toISOString() })]
			];
			for (const [what, r] of replies) expect(r.status, `${what} ${JSON.stringify(id)}`).toBe(404);
		}
		// Nothing was touched.
		expect(bodyOf(await apiGetIncident(t.db, String(inc.id)))).toEqual(incBefore);
		expect(bodyOf(await apiGetMaintenance(t.db, String(win.id), now))).toMatchObject({ title: 'w', state: 'in_progress', endedAt: null });
		expect(await count('incident_updates')).toBe(1);
	});

	it('pages newest first with a cursor that skips nothing when starts tie', async () => {
		const at = new Date(Date.now() - 10 * MIN);
		const ids: string[] = [];
		for (let i = 0; i < 5; i++)
			ids.push(String(bodyOf(await apiCreateIncident(app(), { title: `n${i}`, body: 'x', startedAt: at.toISOString() }, null)).id));
		const older = bodyOf(
			await apiCreateIncident(app(), { title: 'older', body: 'x', startedAt: new Date(at.getTime() - MIN).toISOString() }, null)
		);
		const seen: string[] = [];
		let next: string | null = null;
		for (let pages = 0; pages < 10; pages++) {
			const q = new URLSearchParams({ limit: '2', ...(next ? { before: next } : {}) });
			const r = await apiListIncidents(t.db, q);
			expect(r.status).toBe(200);
			seen.push(...(bodyOf(r).incidents as { id: string }[]).map((i) => i.id));
			next = bodyOf(r).next as string | null;
			if (!next) break;
		}
		expect(seen).toEqual([...ids.reverse(), String(older.id)]);
		// A bare instant: those that started before it.
		const before = await apiListIncidents(t.db, new URLSearchParams({ before: at.toISOString() }));
		expect((bodyOf(before).incidents as { id: string }[]).map((i) => i.id)).toEqual([String(older.id)]);
		for (const [q, field] of [
			['limit=0', 'limit'],
			['limit=101', 'limit'],
			['limit=abc', 'limit'],
			['limit=1e2', 'limit'],
			['before=yesterday', 'before'],
			['before=2026-12-01T10:00:00Z~abc', 'before'],
			['before=2026-12-01T10:00:00Z~1~2', 'before']
		]) {
			const r = await apiListIncidents(t.db, new URLSearchParams(q));
			expect(r.status, q).toBe(400);
			expect(paths(r), q).toEqual([field]);
			expect((await apiListMaintenance(t.db, new URLSearchParams(q))).status, q).toBe(400);
		}
	});

	it('shows a recurring window with its next five, cancels one of them, and takes its own GET back in PUT', async () => {
		const now = new Date('2026-12-01T10:00:00Z');
		const window = { rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=0', dtstart: '2026-11-01T02:00', durationMinutes: 60, timeZone: 'Europe/Berlin' };
		const r = await apiCreateMaintenance(
			app(),
			{ title: 'Nightly', description: 'Backups.', monitors: ['db-main', 'secret'], window },
			now
		);
		expect(r.status).toBe(201);
		const m = bodyOf(r);
		expect(m).toMatchObject({ window, state: 'scheduled', monitors: [{ tag: 'db-main' }, { tag: 'secret' }] });
		const next = m.next as { start: string; end: string }[];
		// The state is windowState's, at every point of an occurrence.
		const stored = (await getMaintenance(t.db, String(m.id), false))!;
		for (const at of [now, new Date(next[0].start), new Date(Date.parse(next[0].start) + 59 * MIN), new Date(next[0].end)])
			expect(bodyOf(await apiGetMaintenance(t.db, String(m.id), at)).state, at.toISOString()).toBe(windowState(stored.window, at));
		expect(next.map((o) => o.start)).toEqual(
			['2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'].map((d) => `${d}T01:00:00.000Z`)
		);

		const c = await apiCancelOccurrence(app(), String(m.id), { start: next[0].start }, now);
		expect(c.status).toBe(200);
		expect(bodyOf(c)).toMatchObject({ cancelled: [next[0].start] });
		expect((bodyOf(c).next as { start: string }[])[0].start).toBe(next[1].start);
		const notOne = await apiCancelOccurrence(app(), String(m.id), { start: '2026-12-02T01:30:00Z' }, now);
		expect([notOne.status, paths(notOne)]).toEqual([400, ['start']]);
		expect(paths(await apiCancelOccurrence(app(), String(m.id), {}, now))).toEqual(['start']);

		const got = bodyOf(await apiGetMaintenance(t.db, String(m.id), now));
		const { title, description, monitors } = got;
		const put = await apiReplaceMaintenance(
			app(),
			String(m.id),
			{ title: `${title} (moved)`, description, monitors, window: got.window },
			now
		);
		expect(put.status).toBe(200);
		// A new window: its cancellations went with the old one.
		expect(bodyOf(put)).toMatchObject({ title: 'Nightly (moved)', monitors: [{ tag: 'db-main' }, { tag: 'secret' }], cancelled: [] });
		const list = await apiListMaintenance(t.db, new URLSearchParams(), now);
		expect((bodyOf(list).maintenance as { id: string }[]).map((x) => x.id)).toEqual([m.id]);
		expect(await apiDeleteMaintenance(app(), String(m.id))).toEqual({ status: 204, body: null });
		expect((await apiGetMaintenance(t.db, String(m.id), now)).status).toBe(404);
	});
});

describe('bodies the API refuses before looking at them', () => {
	const req = (b: string | null, type = 'application/json') =>
		new Request('http://x/api', { method: 'POST', body: b, headers: b === null ? {} : { 'content-type': type } });
	it('too large (413), too deep or not JSON (400), not JSON at all (415); an optional body may be left out', async () => {
		const big = JSON.stringify({ title: 'x', body: 'a'.repeat(1024 * 1024) });
		expect(await readJson(req(big), 'the incident')).toMatchObject({ ok: false, reply: { status: 413 } });
		expect(await readJson(req('['.repeat(40) + ']'.repeat(40)))).toMatchObject({
			ok: false,
			reply: { status: 400, body: { error: expect.stringMatching(/nested 40 levels deep/) } }
		});
		expect(await readJson(req('{"title":'))).toMatchObject({ ok: false, reply: { status: 400 } });
		expect(await readJson(req('title=x', 'text/plain'), 'the incident')).toMatchObject({
			ok: false,
			reply: { status: 415, body: { error: 'send the incident as JSON (content-type: application/json)' } }
		});
		expect(await readJson(req(null), 'the resolution', true)).toEqual({ ok: true, body: undefined });
		expect(await readJson(req(null), 'the update')).toMatchObject({ ok: false, reply: { status: 415 } });
		expect(await readJson(req('{"body":"done"}'), 'the resolution', true)).toEqual({ ok: true, body: { body: 'done' } });
	});
});
