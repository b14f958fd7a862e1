// Channels as a service for the admin and the API: list and get (masked),
// create, update, delete, and a test message. Input is the spec's flat JSON
// (channel-validate.ts), checked completely before anything is written; a
// refusal names each field. Secrets are never shown back in full
// (channel-mask.ts); an update that sends a secret back as its mask, or leaves
// it out, keeps the stored one. Channels from CHANNELS_FILE are read-only here.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index';
import {
	deleteChannelRow,
	enqueueTest,
	getChannelRow,
	pendingTest,
	listChannelRows,
	writeChannel,
	type ChannelRow
} from '../db/queries/alert-channels';
import type { ChannelConfig, ChannelScope } from '../alert-types';
import type { FieldError } from '../monitors/validate';
import { channelNamesInMonitorsFile } from '../monitors/file';
import { maskConfig, maskedLeft, missingSecret, unmask } from './channel-mask';
import { specToJson, validateChannel, type ChannelSpec } from './channel-validate';

/** A channel as shown: the spec's fields with secrets masked, and its id, source and times. */
export type MaskedChannel = Record<string, unknown> & { id: number; name: string; type: ChannelConfig['type']; source: 'admin' | 'file' };

export function rowToSpec(r: ChannelRow): ChannelSpec {
	const scope: ChannelScope = r.scope === 'group' ? { kind: 'group', group: r.scopeGroup ?? '' } : { kind: r.scope };
	return { name: r.name, type: r.type, config: r.config, scope, stormThreshold: r.stormThreshold } as ChannelSpec;
}

export function present(r: ChannelRow): MaskedChannel {
	const spec = rowToSpec(r);
	const masked = { ...spec, config: maskConfig(spec) } as ChannelSpec;
	return {
		id: r.id,
		...specToJson(masked),
		name: r.name,
		type: r.type,
		source: r.source,
		createdAt: r.createdAt.toISOString(),
		updatedAt: r.updatedAt.toISOString()
	};
}

export const parseChannelId = (raw: string): number | null =>
	/^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null;

export async function listChannels(db: Db): Promise<MaskedChannel[]> {
	return (await listChannelRows(db)).map(present);
}

export async function getChannel(db: Db, id: number): Promise<MaskedChannel | null> {
	const r = await getChannelRow(db, id);
	return r ? present(r) : null;
}

export type ChannelResult =
	| { ok: true; channel: MaskedChannel; created: boolean; /** A webhook secret made here: shown once. */ generatedSecret: string | null }
	| { ok: false; status: 400 | 404 | 409; errors: FieldError[] };

const refused = (status: 400 | 404 | 409, path: string, message: string): ChannelResult => ({
	ok: false,
	status,
	errors: [{ path, message }]
});
const fileOwnedErrors = (name: string): FieldError[] => [
	{ path: '', message: `channel "${name}" comes from CHANNELS_FILE: change it there (it is read-only in the admin and API)` }
];
const fileOwned = (name: string): ChannelResult => ({ ok: false, status: 409, errors: fileOwnedErrors(name) });

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const SHOWN_ONLY = ['id', 'source', 'createdAt', 'updatedAt'];

/** The channel changed between reading it and writing the merge: merge again. */
const CHANGED = Symbol('changed');

async function save(db: Db, input: unknown, stored: ChannelRow | null, merged = false): Promise<ChannelResult | typeof CHANGED> {
	if (!isObject(input)) return refused(400, '', "must be a JSON object of a channel's fields");
	// What a read shows beside the spec: a body read back and sent again round-trips.
	const fields = Object.fromEntries(Object.entries(input).filter(([k]) => !SHOWN_ONLY.includes(k)));
	const unmasked = stored ? unmask(fields, rowToSpec(stored)) : fields;
	// A mask left over is named as one (not as, say, a secret too short), beside the other fields' errors.
	const copied = maskedLeft(unmasked);
	const v = validateChannel(unmasked);
	if (!v.ok || copied.length) {
		const others = v.ok ? [] : v.errors.filter((e) => !copied.some((c) => c.path === e.path));
		return { ok: false, status: 400, errors: [...copied, ...others] };
	}
	let generatedSecret: string | null = null;
	let spec = v.value;
	if (missingSecret(spec)) {
		// A new webhook without a secret gets one (shown once); so does one that changed type to webhook.
		generatedSecret = randomBytes(24).toString('base64url');
		spec = { ...spec, type: 'webhook', config: { url: (spec.config as { url: string }).url, secret: generatedSecret } };
	}
	const w = await writeChannel(db, spec as ChannelSpec, stored?.id ?? null, merged && stored ? stored : undefined);
	if (!w.ok) {
		if (w.reason === 'changed') return CHANGED;
		if (w.reason === 'missing') return refused(404, 'id', 'no such channel');
		if (w.reason === 'file') return fileOwned(stored?.name ?? spec.name);
		return refused(409, 'name', `name "${spec.name}" is already used by another channel`);
	}
	const row = await getChannelRow(db, w.id);
	// Deleted between the write and this read: as if the delete came first.
	if (!row) return refused(404, 'id', 'no such channel');
	return { ok: true, channel: present(row), created: stored === null, generatedSecret };
}

export const createChannel = async (db: Db, input: unknown) => (await save(db, input, null)) as ChannelResult;

/** Whether MONITORS_FILE names the channel: renamed or deleted, the next start would stop on an unknown channel. */
const namedByFile = async (name: string, monitorsFile: string | undefined) =>
	!!monitorsFile && (await channelNamesInMonitorsFile(monitorsFile)).has(name);
const usedByFile = (name: string) => `channel "${name}" is named by monitors in MONITORS_FILE (the next start would stop on it)`;

/** Merges lost to a concurrent write are tried again this many times. */
const MERGE_TRIES = 5;

/**
 * Replaces the channel with `input` (`merge`: the given fields over the stored
 * ones, as PATCH). A merge is written only over the row it was made from: if
 * another write came first, it is merged again over that one.
 */
export async function updateChannel(db: Db, id: number, input: unknown, merge = false, monitorsFile?: string): Promise<ChannelResult> {
	for (let tries = 1; ; tries++) {
		const stored = await getChannelRow(db, id);
		if (!stored) return refused(404, 'id', 'no such channel');
		if (stored.source === 'file') return fileOwned(stored.name);
		const newName = isObject(input) ? input.name : undefined;
		if (typeof newName === 'string' && newName !== stored.name && (await namedByFile(stored.name, monitorsFile)))
			return refused(409, 'name', `${usedByFile(stored.name)}: rename it there first`);
		let body = input;
		if (merge) {
			if (!isObject(input)) return refused(400, '', 'must be a JSON object of the fields to change');
			// Merged over what a read shows (secrets masked): unmask alone puts secrets back, and only where they belong.
			const spec = rowToSpec(stored);
			const current = specToJson({ ...spec, config: maskConfig(spec) } as ChannelSpec);
			// A new type starts from its own fields: the old type's would be unknown to it.
			const base =
				input.type !== undefined && input.type !== stored.type
					? { name: current.name, scope: current.scope, stormThreshold: current.stormThreshold }
					: current;
			body = { ...base, ...input };
		}
		const r = await save(db, body, stored, merge);
		if (r !== CHANGED) return r;
		if (tries >= MERGE_TRIES) return refused(409, '', 'the channel kept changing while this change was saved: try again');
	}
}

export async function deleteChannel(
	db: Db,
	id: number,
	monitorsFile?: string
): Promise<{ ok: true } | { ok: false; status: 404 | 409; errors: FieldError[] }> {
	const named = await getChannelRow(db, id);
	if (named && named.source !== 'file' && (await namedByFile(named.name, monitorsFile)))
		return { ok: false, status: 409, errors: [{ path: 'id', message: `${usedByFile(named.name)}: take it out of the file first` }] };
	const r = await deleteChannelRow(db, id);
	if (r === 'deleted') return { ok: true };
	if (r === 'missing') return { ok: false, status: 404, errors: [{ path: 'id', message: 'no such channel' }] };
	const row = await getChannelRow(db, id);
	return { ok: false, status: 409, errors: fileOwnedErrors(row?.name ?? String(id)) };
}

/**
 * Queues one test message for the channel (kind 'test', no monitor); the
 * sender delivers it like any alert, and the delivery log shows the answer.
 * Returns the outbox id, or null when there is no such channel. One test per
 * channel waits at a time: while one is pending (a receiver away retries it
 * for a day) another press gives that one back, so a key cannot pile them up.
 */
export async function queueTestMessage(
	db: Db,
	channelId: number,
	now = new Date()
): Promise<{ outboxId: number | null; key: string } | null> {
	const row = await getChannelRow(db, channelId);
	if (!row) return null;
	const key = `porthole-test-${channelId}-${now.getTime()}`;
	const payload = { kind: 'test', at: now.toISOString(), channel: { name: row.name } };
	// A partial unique index keeps one waiting test per channel, so presses at
	// once queue one; the others get that one. If it settled in between, queue again.
	for (let tries = 0; tries < 3; tries++) {
		const outboxId = await enqueueTest(db, channelId, payload, key);
		if (outboxId !== null) return { outboxId, key };
		const waiting = await pendingTest(db, channelId);
		if (waiting) return { outboxId: waiting.id, key: waiting.key };
	}
	return { outboxId: null, key };
}
