// Config as code: MONITORS_FILE holds an array of monitors in the spec's
// format. It is validated completely before anything is written, so a bad
// file stops the start and leaves the database as it was.
import { parseJson } from '../json';
import { readFile } from 'node:fs/promises';
import type { Db } from '../db/index';
import { upsertMonitors, type UpsertReport } from '../db/queries/monitors';
import { UnknownChannelError } from '../db/queries/monitor-alerts';
import { channelErrors } from './service';
import { errorLine, validateMonitorList, type FieldError, type MonitorInput } from './validate';

export class MonitorsFileError extends Error {
	constructor(
		readonly file: string,
		readonly errors: FieldError[]
	) {
		super(`${file} is invalid; nothing was changed:\n${errors.map((e) => `  ${errorLine(e)}`).join('\n')}`);
		this.name = 'MonitorsFileError';
	}
}

/** Returns an error message for bad eval source, or null when it compiles. */
export type EvalSyntaxCheck = (source: string) => Promise<string | null>;

export async function readMonitorsFile(path: string, checkEval: EvalSyntaxCheck): Promise<MonitorInput[]> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		throw new MonitorsFileError(path, [{ path: '', message: `cannot read file (${code ?? String(err)})` }]);
	}
	const parsed = parseJson(text);
	if (!parsed.ok) throw new MonitorsFileError(path, [{ path: '', message: parsed.message }]);
	const r = validateMonitorList(parsed.value);
	if (!r.ok) throw new MonitorsFileError(path, r.errors);
	const errors: FieldError[] = [];
	for (const [i, m] of r.value.entries()) {
		if (m.eval === null) continue;
		const problem = await checkEval(m.eval);
		if (problem) errors.push({ path: `monitors[${i}].eval`, message: problem });
	}
	if (errors.length) throw new MonitorsFileError(path, errors);
	return r.value;
}

/**
 * Reads, validates and writes the file. Channel names are checked against
 * alert_channels inside the write's transaction (CHANNELS_FILE is synced
 * first), so an unknown one stops the start and writes nothing.
 */
export async function syncMonitorsFile(db: Db, path: string, checkEval: EvalSyntaxCheck): Promise<UpsertReport> {
	const monitors = await readMonitorsFile(path, checkEval);
	try {
		return await upsertMonitors(db, monitors);
	} catch (e) {
		if (e instanceof UnknownChannelError) throw new MonitorsFileError(path, channelErrors(e, 'monitors'));
		throw e;
	}
}

/**
 * The channel names MONITORS_FILE's monitors name, read now (best effort: a
 * file that cannot be read or parsed gives none; the next start reports it).
 * A channel named there must keep its name: renamed or deleted, the next
 * start would stop on `no channel named …`.
 */
export async function channelNamesInMonitorsFile(path: string | undefined): Promise<Set<string>> {
	const names = new Set<string>();
	if (!path) return names;
	let parsed: ReturnType<typeof parseJson>;
	try {
		parsed = parseJson(await readFile(path, 'utf8'));
	} catch {
		return names;
	}
	if (!parsed.ok || !Array.isArray(parsed.value)) return names;
	for (const m of parsed.value as unknown[]) {
		const channels = m && typeof m === 'object' ? (m as { channels?: unknown }).channels : undefined;
		if (Array.isArray(channels)) for (const n of channels) if (typeof n === 'string') names.add(n);
	}
	return names;
}
