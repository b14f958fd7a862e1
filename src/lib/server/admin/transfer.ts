// Export and import in the MONITORS_FILE format: an array of monitors in the
// spec's JSON. Import is two steps: a preview (create / update / unchanged per
// tag) and then the same validated list applied in one transaction.
import { parseJson } from '../json';
import type { Db } from '../db/index';
import { listMonitorSpecs, stableJson, type UpsertReport } from '../db/queries/monitors';
import { checkChannelNames, importMonitors, type MonitorDeps } from '../monitors/service';
import { validateMonitorList, type FieldError, type MonitorInput } from '../monitors/validate';
import type { EvalCheck } from './form';

export async function exportMonitors(db: Db): Promise<MonitorInput[]> {
	return listMonitorSpecs(db);
}

export type ImportAction = 'create' | 'update' | 'unchanged';
export interface ImportPlanRow {
	tag: string;
	name: string;
	action: ImportAction;
	hosts: number;
}

export type ImportPlan = { ok: true; monitors: MonitorInput[]; rows: ImportPlanRow[] } | { ok: false; errors: FieldError[] };

/** Parses and fully validates an import file (shape and eval syntax), then compares it with the database. */
export async function planImport(db: Db, text: string, checkEval: EvalCheck): Promise<ImportPlan> {
	if (text.length > 5_000_000) return { ok: false, errors: [{ path: '', message: 'file is over 5 MB' }] };
	const parsed = parseJson(text);
	if (!parsed.ok) return { ok: false, errors: [{ path: '', message: parsed.message }] };
	const r = validateMonitorList(parsed.value);
	if (!r.ok) return { ok: false, errors: r.errors };
	const errors: FieldError[] = [];
	for (const [i, m] of r.value.entries()) {
		if (m.eval === null) continue;
		const s = await checkEval(m.eval);
		if (!s.ok) errors.push({ path: `monitors[${i}].eval`, message: s.error });
	}
	errors.push(...(await checkChannelNames(db, r.value, 'monitors')));
	if (errors.length) return { ok: false, errors };
	const existing = new Map((await listMonitorSpecs(db)).map((m) => [m.tag, m]));
	const rows = r.value.map((m): ImportPlanRow => {
		const cur = existing.get(m.tag);
		const action: ImportAction = !cur ? 'create' : stableJson(cur) === stableJson(m) ? 'unchanged' : 'update';
		return { tag: m.tag, name: m.name, action, hosts: m.type_data.hosts.length };
	});
	return { ok: true, monitors: r.value, rows };
}

/** Validates again (the file may have been edited between preview and apply) and applies it (the scheduler is told). */
export async function applyImport(
	app: MonitorDeps,
	text: string,
	checkEval: EvalCheck
): Promise<{ ok: true; report: UpsertReport } | { ok: false; errors: FieldError[] }> {
	const plan = await planImport(app.database.db, text, checkEval);
	if (!plan.ok) return plan;
	return importMonitors(app, plan.monitors);
}
