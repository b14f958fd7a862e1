import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { monitors } from '../db/schema';
import { EvalSandbox } from '../eval/sandbox';
import { EVAL_TEMPLATES } from '../eval/templates';
import { applyImport, exportMonitors, planImport } from './transfer';
import { saveMonitor } from '../monitors/service';
import { validateMonitor } from '../monitors/validate';

const SPEC = readFileSync('tests/fixtures/spec-monitors.json', 'utf8');

const sandbox = new EvalSandbox();
const checkEvalSyntax = sandbox.checkSyntax;
afterAll(() => sandbox.stop());

describe.each(DRIVERS)('import/export on %s', (driver) => {
	let t: TestDatabase;
	let refreshes = 0;
	// What applyImport needs of the app; its scheduler counts how often the import told it.
	const app = () => ({ database: { db: t.db }, scheduler: { refresh: async () => void refreshes++ } });
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => {
		await t?.destroy();
	});
	beforeEach(async () => {
		await truncateAll(t);
		refreshes = 0;
	});

	it('imports the Kener examples from the spec as they are, with a preview first', async () => {
		const plan = await planImport(t.db, SPEC, checkEvalSyntax);
		expect(plan.ok).toBe(true);
		if (!plan.ok) return;
		expect(plan.rows.length).toBe(JSON.parse(SPEC).length);
		expect(plan.rows.every((r) => r.action === 'create')).toBe(true);
		// The preview wrote nothing.
		expect(await t.db.select().from(monitors)).toHaveLength(0);
		const applied = await applyImport(app(), SPEC, checkEvalSyntax);
		expect(applied.ok && applied.report.created.length).toBe(plan.rows.length);
		expect(refreshes).toBe(1);
		// Now everything is unchanged.
		const again = await planImport(t.db, SPEC, checkEvalSyntax);
		expect(again.ok && again.rows.map((r) => r.action)).toEqual(plan.rows.map(() => 'unchanged'));
	});

	it('round-trips: export, import the same file = all unchanged; an edit = update', async () => {
		await applyImport(app(), SPEC, checkEvalSyntax);
		const quorum = EVAL_TEMPLATES.find((x) => x.id === 'quorum')!.source;
		const v = validateMonitor({
			tag: 'quorum-db',
			name: 'Quorum DB',
			type: 'TCP',
			type_data: { hosts: [{ host: '127.0.0.1', port: 5432 }] },
			eval: quorum,
			group: 'Data',
			order: 2,
			public: false
		});
		if (!v.ok) throw new Error('fixture invalid');
		await saveMonitor({ database: { db: t.db }, scheduler: null }, v.value, null);
		const exported = JSON.stringify(await exportMonitors(t.db), null, 2);
		const plan = await planImport(t.db, exported, checkEvalSyntax);
		expect(plan.ok && plan.rows.every((r) => r.action === 'unchanged')).toBe(true);
		const parsed = JSON.parse(exported);
		expect(parsed.find((m: { tag: string }) => m.tag === 'quorum-db')).toMatchObject({ eval: quorum, public: false, group: 'Data' });
		parsed[0].name = 'Renamed';
		const edited = await planImport(t.db, JSON.stringify(parsed), checkEvalSyntax);
		expect(edited.ok && edited.rows.filter((r) => r.action === 'update').map((r) => r.tag)).toEqual([parsed[0].tag]);
		// Into an empty database, the export recreates the same monitors.
		await truncateAll(t);
		await applyImport(app(), exported, checkEvalSyntax);
		expect(JSON.stringify(await exportMonitors(t.db), null, 2)).toBe(exported);
	});

	it('refuses a bad file completely: nothing is written', async () => {
		const bad = JSON.parse(SPEC);
		bad[1].type_data.hosts[0].port = 0;
		bad.push({ ...bad[0] });
		const r = await applyImport(app(), JSON.stringify(bad), checkEvalSyntax);
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.errors).toEqual(
				expect.arrayContaining([
					{ path: 'monitors[1].type_data.hosts[0].port', message: 'must be 1-65535, got 0' },
					expect.objectContaining({ path: `monitors[${bad.length - 1}].tag`, message: expect.stringContaining('duplicate tag') })
				])
			);
		}
		const syntax = JSON.parse(SPEC);
		syntax[0].eval = '(function (p) { return { status: "UP" latency: 1 } })';
		const r2 = await applyImport(app(), JSON.stringify(syntax), checkEvalSyntax);
		expect(r2.ok === false && r2.errors[0].path).toBe('monitors[0].eval');
		expect((await planImport(t.db, '{not json', checkEvalSyntax)).ok).toBe(false);
		expect(await t.db.select().from(monitors)).toHaveLength(0);
		expect(refreshes).toBe(0);
	});
});
