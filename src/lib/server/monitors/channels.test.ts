// A monitor's `confirm` and `channels` through every surface that writes or
// reads a monitor: the write service (admin editor, API), MONITORS_FILE, export
// and import. Unknown channel names are refused naming the field, and nothing
// is written.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIVERS, type TestDatabase } from '../db/testing';
import { useTestDatabase } from '../db/test-hooks';
import { monitorChannels, monitors } from '../db/schema';
import { createChannel } from '../db/queries/alerts';
import { getMonitorSpec } from '../db/queries/monitors';
import { saveMonitor, type MonitorDeps } from './service';
import { MonitorsFileError, syncMonitorsFile } from './file';
import { validateMonitor, type MonitorInput } from './validate';
import { applyImport, exportMonitors, planImport } from '../admin/transfer';
import { replaceMonitor, updateMonitor } from '../api/write';

const dir = mkdtempSync(join(tmpdir(), 'porthole-monitor-channels-'));
const file = (name: string, content: unknown) => {
	const p = join(dir, name);
	writeFileSync(p, JSON.stringify(content));
	return p;
};
const noEvalProblems = async () => null;
const evalOk = async () => ({ ok: true as const });

const spec = (tag: string, extra: Record<string, unknown> = {}) => ({
	tag,
	name: `Monitor ${tag}`,
	type: 'TCP',
	type_data: { hosts: [{ host: '127.0.0.1', port: 5432 }] },
	...extra
});
const valid = (v: unknown): MonitorInput => {
	const r = validateMonitor(v);
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	return r.value;
};
const hook = (name: string) => ({ name, type: 'webhook' as const, config: { url: 'http://127.0.0.1:1/', secret: 'topsecret' } });

describe.each(DRIVERS)('monitor confirm and channels on %s', (driver) => {
	let t: TestDatabase;
	let app: MonitorDeps;
	useTestDatabase(driver, (d) => {
		t = d;
		app = { database: { db: d.db }, scheduler: null };
	});

	it('saves confirm into alert_* and channels as monitor_channels, replacing the set on each write', async () => {
		await createChannel(t.db, hook('ops'));
		await createChannel(t.db, hook('mail'));
		await createChannel(t.db, hook('pager'));
		const first = valid(spec('db', { confirm: { down: 4, remindMinutes: 30 }, channels: ['pager', 'ops'] }));
		expect(await saveMonitor(app, first, null)).toMatchObject({ ok: true, created: true });
		const [row] = await t.db.select().from(monitors);
		expect([row.alertDown, row.alertUp, row.alertDegraded, row.alertRemindMinutes]).toEqual([4, 2, false, 30]);
		expect(await getMonitorSpec(t.db, 'db')).toMatchObject({
			confirm: { down: 4, up: 2, degraded: false, remindMinutes: 30 },
			channels: ['ops', 'pager']
		});
		await saveMonitor(app, valid(spec('db', { channels: ['mail'] })), 'db');
		expect(await getMonitorSpec(t.db, 'db')).toMatchObject({ confirm: { down: 2, remindMinutes: null }, channels: ['mail'] });
		await saveMonitor(app, valid(spec('db')), 'db');
		expect(await t.db.select().from(monitorChannels)).toEqual([]);
	});

	it('refuses an unknown channel naming the field, and writes nothing (create or update)', async () => {
		await createChannel(t.db, hook('ops'));
		const r = await saveMonitor(app, valid(spec('db', { channels: ['ops', 'x'] })), null);
		expect(r).toEqual({
			ok: false,
			status: 400,
			field: 'channels[1]',
			message: 'no channel named "x"',
			errors: [{ path: 'channels[1]', message: 'no channel named "x"' }]
		});
		expect(await t.db.select().from(monitors)).toEqual([]);
		await saveMonitor(app, valid(spec('db', { confirm: { down: 5 }, channels: ['ops'] })), null);
		const again = await saveMonitor(app, valid(spec('db', { confirm: { down: 1 }, channels: ['nope'] })), 'db');
		expect(again).toMatchObject({ ok: false, status: 400, field: 'channels[0]' });
		expect(await getMonitorSpec(t.db, 'db')).toMatchObject({ confirm: { down: 5 }, channels: ['ops'] });
	});

	it('the API answers 400 for an unknown channel, and PATCH keeps channels and confirm it does not mention', async () => {
		await createChannel(t.db, hook('ops'));
		const d = { app, checkEval: evalOk };
		const bad = await replaceMonitor(d, 'api', spec('api', { channels: ['ghost'] }));
		expect(bad).toMatchObject({
			status: 400,
			body: { error: 'invalid monitor; nothing was written', errors: [{ path: 'channels[0]', message: 'no channel named "ghost"' }] }
		});
		expect(await getMonitorSpec(t.db, 'api')).toBeNull();
		expect((await replaceMonitor(d, 'api', spec('api', { confirm: { up: 3 }, channels: ['ops'] }))).status).toBe(201);
		const patched = await updateMonitor(d, 'api', { name: 'Renamed' });
		expect(patched).toMatchObject({ status: 200, body: { name: 'Renamed', confirm: { up: 3 }, channels: ['ops'] } });
		const badConfirm = await updateMonitor(d, 'api', { confirm: { down: 0 } });
		expect(badConfirm).toMatchObject({ status: 400, body: { errors: [{ path: 'confirm.down', message: 'must be 1-100, got 0' }] } });
	});

	it('MONITORS_FILE: an unknown channel stops the sync naming monitors[i].channels[j], nothing written; a good file attaches', async () => {
		await createChannel(t.db, hook('ops'));
		const bad = file('bad.json', [spec('a', { channels: ['ops'] }), spec('b', { channels: ['ops', 'x'] })]);
		const err = await syncMonitorsFile(t.db, bad, noEvalProblems).catch((e) => e);
		expect(err).toBeInstanceOf(MonitorsFileError);
		expect((err as MonitorsFileError).errors).toEqual([{ path: 'monitors[1].channels[1]', message: 'no channel named "x"' }]);
		expect((err as Error).message).toContain('monitors[1].channels[1]: no channel named "x"');
		expect(await t.db.select().from(monitors)).toEqual([]);
		expect(await t.db.select().from(monitorChannels)).toEqual([]);

		const good = file('good.json', [spec('a', { channels: ['ops'], confirm: { degraded: true } }), spec('b')]);
		expect(await syncMonitorsFile(t.db, good, noEvalProblems)).toMatchObject({ created: ['a', 'b'] });
		expect(await getMonitorSpec(t.db, 'a')).toMatchObject({ channels: ['ops'], confirm: { degraded: true } });
		expect(await syncMonitorsFile(t.db, good, noEvalProblems)).toMatchObject({ unchanged: ['a', 'b'] });
	});

	it('export → import is a faithful round trip of confirm and channels', async () => {
		await createChannel(t.db, hook('ops'));
		await createChannel(t.db, hook('Zeta'));
		await createChannel(t.db, hook('alpha'));
		await saveMonitor(
			app,
			valid(spec('a', { confirm: { down: 3, up: 4, degraded: true, remindMinutes: 60 }, channels: ['ops', 'Zeta', 'alpha'] })),
			null
		);
		await saveMonitor(app, valid(spec('b')), null);
		const exported = await exportMonitors(t.db);
		expect(exported.map((m) => [m.tag, m.confirm, m.channels])).toEqual([
			['a', { down: 3, up: 4, degraded: true, remindMinutes: 60 }, ['Zeta', 'alpha', 'ops']],
			['b', { down: 2, up: 2, degraded: false, remindMinutes: null }, []]
		]);
		const text = JSON.stringify(exported);
		const plan = await planImport(t.db, text, evalOk);
		expect(plan.ok && plan.rows.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
		// Into an empty database (channels kept): the same monitors come back.
		await t.db.delete(monitors);
		expect(await applyImport(app, text, evalOk)).toMatchObject({ ok: true, report: { created: ['a', 'b'] } });
		expect(await exportMonitors(t.db)).toEqual(exported);
	});

	it('import: the preview and the apply both name an unknown channel, and nothing is written', async () => {
		await createChannel(t.db, hook('ops'));
		const text = JSON.stringify([spec('a', { channels: ['ops'] }), spec('b', { channels: ['gone'] })]);
		const errors = [{ path: 'monitors[1].channels[0]', message: 'no channel named "gone"' }];
		expect(await planImport(t.db, text, evalOk)).toEqual({ ok: false, errors });
		expect(await applyImport(app, text, evalOk)).toEqual({ ok: false, errors });
		expect(await t.db.select().from(monitors)).toEqual([]);
	});
});
