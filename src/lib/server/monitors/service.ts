// Monitor writes for the admin UI and the API: create, replace (with rename),
// delete, switches, import. Callers validate first (validateMonitor); each
// write here then tells the probe loop, so a change is probed at once instead
// of within the scheduler's poll interval, and reloads the incidents and
// maintenance visitors see, which name their monitors: a monitor made hidden
// or switched off must leave every incident card, feed and Statuspage list
// before the write answers, not at their next 10 s poll. The SQL is in
// db/queries/monitors.ts.
import type { Db } from '../db/index';
import { deleteMonitorByTag, setMonitorFlag, upsertMonitors, writeMonitor, type UpsertReport } from '../db/queries/monitors';
import { resolveChannelNames, UnknownChannelError } from '../db/queries/monitor-alerts';
import { isTag, type FieldError, type MonitorInput } from './validate';

/**
 * What a monitor write needs of the app (the running App fits): its database,
 * and the probe loop to tell (null when this process runs none, PROBE_WORKER=off;
 * a worker elsewhere then sees the change at its next poll).
 */
export interface MonitorDeps {
	database: { db: Db };
	scheduler: { refresh(): Promise<void> } | null;
	/** The public incidents and maintenance (notices/cache.ts); absent where nothing serves them. */
	notices?: { refresh(): Promise<void> };
}

/** The scheduler re-reads monitors now (nothing waits for it); the notices reload before the write answers. */
async function changed(app: MonitorDeps): Promise<void> {
	void app.scheduler?.refresh();
	await app.notices?.refresh();
}

export type SaveResult =
	| { ok: true; tag: string; created: boolean }
	| { ok: false; status: 400 | 404 | 409; field: string; message: string; errors?: FieldError[] };

/** Unknown channel names as field errors: `monitors[0].channels[1]: no channel named "x"` (prefix "monitors"), or `channels[1]: …` for one monitor (no prefix). */
export function channelErrors(e: UnknownChannelError, prefix: string | null): FieldError[] {
	return e.missing.map((m) => ({
		path: `${prefix === null ? '' : `${prefix}[${m.monitor}].`}channels[${m.channel}]`,
		message: `no channel named ${JSON.stringify(m.name)}`
	}));
}

/** Field errors for every channel name in the list that names no channel (none: empty). */
export async function checkChannelNames(db: Db, list: MonitorInput[], prefix: string): Promise<FieldError[]> {
	try {
		await resolveChannelNames(
			db,
			list.map((m) => m.channels)
		);
		return [];
	} catch (e) {
		if (e instanceof UnknownChannelError) return channelErrors(e, prefix);
		throw e;
	}
}

/**
 * Creates (originalTag null) or replaces the monitor at originalTag. A new
 * tag renames it; ids, and so its history, stay.
 */
export async function saveMonitor(app: MonitorDeps, input: MonitorInput, originalTag: string | null): Promise<SaveResult> {
	let r: Awaited<ReturnType<typeof writeMonitor>>;
	try {
		r = await writeMonitor(app.database.db, input, originalTag);
	} catch (e) {
		if (!(e instanceof UnknownChannelError)) throw e;
		const errors = channelErrors(e, null);
		return { ok: false, status: 400, field: errors[0].path, message: errors[0].message, errors };
	}
	if (r === 'missing') return { ok: false, status: 404, field: 'tag', message: `no monitor with tag "${originalTag}"` };
	if (r === 'taken') return { ok: false, status: 409, field: 'tag', message: `Tag "${input.tag}" is already used by another monitor` };
	await changed(app);
	return { ok: true, tag: input.tag, created: r === 'created' };
}

export async function deleteMonitor(app: MonitorDeps, tag: string): Promise<boolean> {
	if (!isTag(tag)) return false; // no monitor has it (and a NUL in it would make Postgres refuse the query)
	if (!(await deleteMonitorByTag(app.database.db, tag))) return false;
	await changed(app);
	return true;
}

export async function setMonitorSwitch(app: MonitorDeps, tag: string, which: 'active' | 'public', on: boolean): Promise<boolean> {
	if (!isTag(tag)) return false;
	if (!(await setMonitorFlag(app.database.db, tag, which, on))) return false;
	await changed(app);
	return true;
}

/** Creates or updates a validated list by tag, in one transaction (the admin import); an unknown channel writes nothing. */
export async function importMonitors(
	app: MonitorDeps,
	list: MonitorInput[]
): Promise<{ ok: true; report: UpsertReport } | { ok: false; errors: FieldError[] }> {
	let report: UpsertReport;
	try {
		report = await upsertMonitors(app.database.db, list);
	} catch (e) {
		if (e instanceof UnknownChannelError) return { ok: false, errors: channelErrors(e, 'monitors') };
		throw e;
	}
	await changed(app);
	return { ok: true, report };
}
