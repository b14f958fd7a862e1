import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { listMonitors, monitorsFingerprint, rowToInput, upsertMonitors } from './monitors';
import { MonitorsFileError, syncMonitorsFile } from '../../monitors/file';
import { validateMonitorList } from '../../monitors/validate';
import { monitors } from '../schema';
import { eq } from 'drizzle-orm';

const specText = readFileSync('tests/fixtures/spec-monitors.json', 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'porthole-monitors-'));
const file = (name: string, content: unknown) => {
	const p = join(dir, name);
	writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
	return p;
};
// Stands in for the sandbox's syntax check: these tests are about the file, not the eval.
const noEvalProblems = async () => null;

describe.each(DRIVERS)('monitors on %s', (driver) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(() => truncateAll(t));

	it('imports the spec examples as written, then reports them unchanged', async () => {
		const path = file('spec.json', specText);
		const first = await syncMonitorsFile(t.db, path, noEvalProblems);
		expect(first.created).toEqual([
			'web-server',
			'postgres-db',
			'app-server-services',
			'redis-cluster',
			'ipv6-service',
			'minecraft-server'
		]);
		const again = await syncMonitorsFile(t.db, path, noEvalProblems);
		expect(again).toEqual({ created: [], updated: [], unchanged: first.created });
		const rows = await listMonitors(t.db);
		const v6 = rows.find((r) => r.tag === 'ipv6-service')!;
		expect(v6.typeData.hosts).toEqual([{ type: 'IP6', host: '2001:db8::1', port: 443, timeout: 2000 }]);
	});

	it('round-trips: export of a row validates back to the same input', async () => {
		await syncMonitorsFile(t.db, file('spec2.json', specText), noEvalProblems);
		const exported = (await listMonitors(t.db)).map((r) => rowToInput(r));
		const r = validateMonitorList(JSON.parse(JSON.stringify(exported)));
		expect(r.ok).toBe(true);
		const report = await upsertMonitors(t.db, r.ok ? r.value : []);
		expect(report.unchanged).toHaveLength(6);
	});

	it('updates by tag and leaves other monitors alone', async () => {
		await syncMonitorsFile(t.db, file('a.json', specText), noEvalProblems);
		const spec = JSON.parse(specText);
		spec[0].name = 'Renamed';
		const r = await syncMonitorsFile(t.db, file('b.json', [spec[0]]), noEvalProblems);
		expect(r).toEqual({ created: [], updated: ['web-server'], unchanged: [] });
		expect(await listMonitors(t.db)).toHaveLength(6);
	});

	it('changes nothing when any monitor in the file is bad, and says where', async () => {
		const spec = JSON.parse(specText);
		spec[2].type_data.hosts[0].port = 70000;
		spec[0].name = 'Would be renamed';
		const err = await syncMonitorsFile(t.db, file('bad.json', spec), noEvalProblems).catch((e) => e);
		expect(err).toBeInstanceOf(MonitorsFileError);
		expect(err.message).toContain('monitors[2].type_data.hosts[0].port: must be 1-65535, got 70000');
		expect(await listMonitors(t.db)).toHaveLength(0);
	});

	it('reports eval problems by monitor and unreadable files clearly', async () => {
		const spec = JSON.parse(specText);
		spec[1].eval = '(function (p) {';
		const check = async (src: string) => (src.includes('{') && !src.includes('}') ? 'SyntaxError (line 1)' : null);
		const err = await syncMonitorsFile(t.db, file('evalbad.json', spec), check).catch((e) => e);
		expect(err.message).toContain('monitors[1].eval: SyntaxError (line 1)');
		const missing = await syncMonitorsFile(t.db, join(dir, 'nope.json'), noEvalProblems).catch((e) => e);
		expect(missing.message).toMatch(/cannot read file \(ENOENT\)/);
		const notJson = await syncMonitorsFile(t.db, file('x.json', '[{"tag": '), noEvalProblems).catch((e) => e);
		expect(notJson.message).toMatch(/not valid JSON/);
		expect(await listMonitors(t.db)).toHaveLength(0);
	});

	it('fingerprint moves on create, update and delete', async () => {
		const f0 = await monitorsFingerprint(t.db);
		await syncMonitorsFile(t.db, file('c.json', specText), noEvalProblems);
		const f1 = await monitorsFingerprint(t.db);
		expect(f1).not.toBe(f0);
		const spec = JSON.parse(specText);
		spec[3].active = false;
		await syncMonitorsFile(t.db, file('d.json', spec), noEvalProblems);
		const f2 = await monitorsFingerprint(t.db);
		expect(f2).not.toBe(f1);
		await t.db.delete(monitors).where(eq(monitors.tag, 'web-server'));
		expect(await monitorsFingerprint(t.db)).not.toBe(f2);
	});
});
