// Config as code for channels: CHANNELS_FILE holds a list of channel specs
// (channel-validate.ts). `${VAR}` in any string is replaced from the
// environment, so secrets stay out of the file; `$${` writes a literal `${`.
// The file is checked completely before anything is written: any error stops
// the start, names the field, and leaves the database as it was. Synced
// before MONITORS_FILE, since monitors name their channels.
import { readFile } from 'node:fs/promises';
import type { Db } from '../db/index';
import { syncFileChannels, type ChannelSyncReport } from '../db/queries/alert-channels';
import { parseJson } from '../json';
import { errorLine, formatPath, type FieldError } from '../monitors/validate';
import { validateChannelList, type ChannelSpec } from './channel-validate';

export class ChannelsFileError extends Error {
	constructor(
		readonly file: string,
		readonly errors: FieldError[]
	) {
		super(`${file} is invalid; nothing was changed:\n${errors.map((e) => `  ${errorLine(e)}`).join('\n')}`);
		this.name = 'ChannelsFileError';
	}
}

export type Env = Readonly<Record<string, string | undefined>>;

const VAR = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{([^}]*)\}?/g;

/** One string with `${VAR}` replaced; errors name `path` and the variable. */
export function substitute(s: string, env: Env, path: string, errors: FieldError[]): string {
	return s.replace(VAR, (m, name: string | undefined, bad: string | undefined) => {
		if (m === '$${') return '${';
		if (name !== undefined) {
			const v = env[name];
			if (v === undefined) errors.push({ path, message: `environment variable ${name} is not set` });
			return v ?? '';
		}
		errors.push({
			path,
			message: `"\${${bad ?? ''}" is not a variable reference: use \${NAME} (letters, digits, _), or $\${ for a literal \${`
		});
		return m;
	});
}

/** Every string in a parsed JSON value with `${VAR}` replaced (keys are left alone). */
export function substituteAll(v: unknown, env: Env, path: (string | number)[], errors: FieldError[]): unknown {
	if (typeof v === 'string') return substitute(v, env, formatPath(path), errors);
	if (Array.isArray(v)) return v.map((x, i) => substituteAll(x, env, [...path, i], errors));
	if (v && typeof v === 'object') {
		return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteAll(x, env, [...path, k], errors)]));
	}
	return v;
}

/** Parses and checks a CHANNELS_FILE text; throws ChannelsFileError naming every problem. */
export function parseChannelsFile(file: string, text: string, env: Env): ChannelSpec[] {
	const parsed = parseJson(text);
	if (!parsed.ok) throw new ChannelsFileError(file, [{ path: '', message: parsed.message }]);
	const errors: FieldError[] = [];
	const value = substituteAll(parsed.value, env, ['channels'], errors);
	if (errors.length) throw new ChannelsFileError(file, errors);
	const r = validateChannelList(value);
	if (!r.ok) throw new ChannelsFileError(file, r.errors);
	return r.value;
}

export async function readChannelsFile(file: string, env: Env): Promise<ChannelSpec[]> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		throw new ChannelsFileError(file, [{ path: '', message: `cannot read file (${code ?? String(err)})` }]);
	}
	return parseChannelsFile(file, text, env);
}

/**
 * Upserts the file's channels by name (source 'file': read-only in the admin
 * and API). A file channel no longer in the file is kept, as MONITORS_FILE
 * keeps monitors it no longer lists, and handed to the admin (source 'admin'):
 * its monitors and delivery log stay, and it can be edited or deleted there.
 */
export async function syncChannelsFile(db: Db, file: string, env: Env): Promise<ChannelSyncReport> {
	return syncFileChannels(db, await readChannelsFile(file, env));
}
