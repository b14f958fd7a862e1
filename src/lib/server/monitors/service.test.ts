import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, type TestDatabase } from '../db/testing';
import { useTestDatabase } from '../db/test-hooks';
import { monitors } from '../db/schema';
import { getMonitorSpec, listAdminMonitors } from '../db/queries/monitors';
import { deleteMonitor, saveMonitor, setMonitorSwitch, type MonitorDeps } from './service';
import { validateMonitor } from './validate';
import { Notices } from '../notices/cache';
import { createIncident } from '../notices/service';

const SPEC = readFileSync('tests/fixtures/spec-monitors.json', 'utf8');

describe.each(DRIVERS)('monitor writes on %s', (driver) => {
	let t: TestDatabase;
	let refreshes = 0;
	let app: MonitorDeps;
	useTestDatabase(driver, (d) => {
		t = d;
		// The scheduler counts how often a write told it.
		app = { database: { db: d.db }, scheduler: { refresh: async () => void refreshes++ } };
	});
	beforeEach(() => {
		refreshes = 0;
	});

	it('saves, renames (keeping the id), refuses a taken tag, toggles and deletes', async () => {
		const base = validateMonitor(JSON.parse(SPEC)[0]);
		const other = validateMonitor(JSON.parse(SPEC)[1]);
		if (!base.ok || !other.ok) throw new Error('fixture');
		expect(await saveMonitor(app, base.value, null)).toEqual({ ok: true, tag: 'web-server', created: true });
		expect(await saveMonitor(app, base.value, null)).toMatchObject({ ok: false, status: 409, field: 'tag' });
		await saveMonitor(app, other.value, null);
		const [before] = await t.db.select().from(monitors).limit(1);
		expect(await saveMonitor(app, { ...base.value, tag: 'www' }, 'web-server')).toEqual({ ok: true, tag: 'www', created: false });
		const rows = await t.db.select().from(monitors);
		expect(rows.find((r) => r.tag === 'www')?.id).toBe(before.id);
		expect(await saveMonitor(app, { ...base.value, tag: 'postgres-db' }, 'www')).toMatchObject({ ok: false, status: 409 });
		expect(await saveMonitor(app, base.value, 'gone')).toMatchObject({ ok: false, status: 404 });
		expect(await setMonitorSwitch(app, 'www', 'public', false)).toBe(true);
		expect(await setMonitorSwitch(app, 'www', 'active', false)).toBe(true);
		const list = await listAdminMonitors(t.db);
		expect(list.find((m) => m.tag === 'www')).toMatchObject({ public: false, active: false, status: null, uptime24h: null });
		// A string no tag can be (NUL would make Postgres refuse the query) is simply not found.
		expect(await setMonitorSwitch(app, 'www\u0000', 'active', true)).toBe(false);
		expect(await getMonitorSpec(t.db, 'www\u0000')).toBeNull();
		expect(await deleteMonitor(app, 'www\u0000')).toBe(false);
		expect(await deleteMonitor(app, 'www')).toBe(true);
		expect(await deleteMonitor(app, 'www')).toBe(false);
		expect((await listAdminMonitors(t.db)).map((m) => m.tag)).toEqual(['postgres-db']);
		// Told after each write that changed something (3 saves, 2 switches, 1 delete), never after a refusal.
		expect(refreshes).toBe(6);
	});

	it('writes without a probe loop in this process (PROBE_WORKER=off)', async () => {
		const base = validateMonitor(JSON.parse(SPEC)[0]);
		if (!base.ok) throw new Error('fixture');
		const noLoop: MonitorDeps = { database: { db: t.db }, scheduler: null };
		expect(await saveMonitor(noLoop, base.value, null)).toMatchObject({ ok: true, created: true });
		expect(await deleteMonitor(noLoop, base.value.tag)).toBe(true);
	});

	it('drops a monitor made hidden, switched off or deleted from the public incidents before the write answers', async () => {
		const specs = (JSON.parse(SPEC) as unknown[]).slice(0, 3).map((m) => validateMonitor(m));
		const notices = new Notices({ db: t.db });
		const withNotices: MonitorDeps = { database: { db: t.db }, scheduler: null, notices };
		for (const v of specs) if (v.ok) await saveMonitor(withNotices, v.value, null);
		const tags = specs.flatMap((v) => (v.ok ? [v.value.tag] : []));
		expect(tags).toHaveLength(3);
		const deps = { database: { db: t.db }, notices, scheduler: null };
		const r = await createIncident(
			deps,
			{ title: 'Slow', impact: 'minor', state: 'investigating', body: 'Looking.', monitors: tags.map((tag) => ({ tag })) },
			null
		);
		expect(r.ok).toBe(true);
		const shown = () => notices.current().incidents[0].monitors.map((m) => m.tag);
		expect(shown()).toEqual(expect.arrayContaining(tags));
		// No poll in between (Notices.start never ran): only the write itself can have reloaded them.
		expect(await setMonitorSwitch(withNotices, tags[0], 'public', false)).toBe(true);
		expect(shown()).not.toContain(tags[0]);
		expect(await setMonitorSwitch(withNotices, tags[1], 'active', false)).toBe(true);
		expect(shown()).not.toContain(tags[1]);
		expect(await deleteMonitor(withNotices, tags[2])).toBe(true);
		expect(shown()).toEqual([]);
	});
});
