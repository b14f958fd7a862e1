// The admin's alert pages: the channel list with the delivery log, the
// channel form (new and edit) and its actions, each calling the channel
// service (alerts/channels.ts) with the running app. The form shows secrets
// masked; sent back unchanged they keep the stored ones. A refusal comes back
// as fail(400, {values, errors}) with a message per form field.
import { error, fail, redirect } from '@sveltejs/kit';
import type { App } from '../app';
import { blankChannelForm, type ChannelFormType, type ChannelFormValues } from '$lib/channel-form';
import {
	createChannel,
	deleteChannel,
	getChannel,
	listChannels,
	parseChannelId,
	queueTestMessage,
	updateChannel,
	type MaskedChannel
} from '../alerts/channels';
import { deliveryPage } from '../alerts/deliveries';
import type { FieldError } from '../monitors/validate';
import { formString, readForm } from './request';

const TYPES: ChannelFormType[] = ['webhook', 'slack', 'discord', 'email'];

export function readChannelForm(fd: FormData): ChannelFormValues {
	const s = (k: string) => formString(fd, k);
	const type = TYPES.find((t) => t === s('type')) ?? 'webhook';
	const security = s('security') === 'tls' ? 'tls' : s('security') === 'starttls' ? 'starttls' : 'auto';
	const scope = s('scope') === 'all' ? 'all' : s('scope') === 'group' ? 'group' : 'monitors';
	return {
		name: s('name').trim(),
		type,
		url: s('url').trim(),
		secret: s('secret'),
		host: s('host').trim(),
		port: s('port').trim(),
		security,
		user: s('user'),
		password: s('password'),
		from: s('from').trim(),
		to: s('to'),
		scope,
		group: s('group').trim(),
		stormThreshold: s('stormThreshold').trim()
	};
}

/** A number as typed: a whole number becomes one, anything else stays text so the validator names it. */
const num = (v: string) => (/^\d{1,9}$/.test(v) ? Number(v) : v);

/** The form as the spec's JSON: only the chosen type's fields; empty optional fields left out. */
export function formToSpec(v: ChannelFormValues): Record<string, unknown> {
	const spec: Record<string, unknown> = {
		name: v.name,
		type: v.type,
		scope: v.scope === 'group' ? { group: v.group } : v.scope
	};
	if (v.stormThreshold !== '') spec.stormThreshold = num(v.stormThreshold);
	if (v.type === 'email') {
		spec.host = v.host;
		if (v.port !== '') spec.port = num(v.port);
		if (v.security !== 'auto') spec.secure = v.security === 'tls';
		// Both cleared: no SMTP login (null, so the stored password is not put back).
		if (v.user === '' && v.password === '') Object.assign(spec, { user: null, password: null });
		if (v.user !== '') spec.user = v.user;
		if (v.password !== '') spec.password = v.password;
		spec.from = v.from;
		spec.to = v.to
			.split(/[\n,]/)
			.map((a) => a.trim())
			.filter(Boolean);
	} else {
		spec.url = v.url;
		if (v.type === 'webhook' && v.secret !== '') spec.secret = v.secret;
	}
	return spec;
}

/** A masked channel as the form shows it (secrets as their masks). */
export function channelToForm(c: MaskedChannel): ChannelFormValues {
	const f = blankChannelForm();
	const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : '');
	const scope = c.scope;
	return {
		...f,
		name: c.name,
		type: c.type,
		url: str('url'),
		secret: str('secret'),
		host: str('host'),
		port: c.port === undefined ? f.port : String(c.port),
		security: c.secure === undefined ? 'auto' : c.secure === (c.port === 465) ? 'auto' : c.secure ? 'tls' : 'starttls',
		user: str('user'),
		password: str('password'),
		from: str('from'),
		to: Array.isArray(c.to) ? (c.to as string[]).join('\n') : '',
		scope: scope === 'all' ? 'all' : typeof scope === 'object' && scope ? 'group' : 'monitors',
		group: typeof scope === 'object' && scope ? String((scope as { group: string }).group) : '',
		stormThreshold: String(c.stormThreshold ?? 5)
	};
}

/** Field errors by form control: `to[2]` is the recipients box, `scope.group` the group field. */
export function toFormErrors(errors: FieldError[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const e of errors) {
		let key = e.path.split(/[.[]/)[0] || 'form';
		if (e.path.startsWith('scope.')) key = 'group';
		if (key === 'secure') key = 'security';
		if (key === 'id') key = 'form';
		out[key] ??= e.path.includes('[') ? `${e.path.slice(key.length)}: ${e.message}` : e.message;
	}
	return out;
}

const parseBefore = (raw: string | null) => (raw && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null);

/** The list: channels (masked) and the delivery log's page (`?before`). */
export async function loadChannelsPage(app: App, url: URL) {
	const db = app.database.db;
	return {
		siteZone: app.config.siteTimezone,
		channels: await listChannels(db),
		log: await deliveryPage(db, { before: parseBefore(url.searchParams.get('before')) }),
		/** Whether a sender runs in this process: without one, messages wait for a worker elsewhere. */
		senderHere: app.sender !== null
	};
}

export async function testChannelFromForm(app: App, request: Request) {
	const id = parseChannelId(formString(await readForm(request), 'id'));
	const q = id === null ? null : await queueTestMessage(app.database.db, id);
	if (!q) return fail(404, { action: 'test', message: 'No such channel' });
	app.sender?.wake();
	return { action: 'test', message: 'Test message queued: its delivery shows in the log below' };
}

export async function deleteChannelFromForm(app: App, request: Request) {
	const id = parseChannelId(formString(await readForm(request), 'id'));
	const r =
		id === null
			? ({ ok: false, status: 404, errors: [{ path: 'id', message: 'no such channel' }] } as const)
			: await deleteChannel(app.database.db, id, app.config.monitorsFile);
	if (!r.ok) return fail(r.status, { action: 'delete', message: `Not deleted: ${r.errors[0].message}` });
	return { action: 'delete', message: 'Channel deleted' };
}

export const loadNewChannel = () => ({ form: blankChannelForm() });

export async function loadChannel(app: App, rawId: string) {
	const id = parseChannelId(rawId);
	const c = id === null ? null : await getChannel(app.database.db, id);
	if (!c) error(404, 'No such channel');
	return { channel: { id: c.id, name: c.name, source: c.source }, form: channelToForm(c) };
}

/** Save (create when rawId is null): back to the list, or the form with its messages; a secret made here is shown once. */
export async function saveChannelFromForm(app: App, request: Request, rawId: string | null) {
	const values = readChannelForm(await readForm(request));
	const spec = formToSpec(values);
	let r;
	if (rawId === null) r = await createChannel(app.database.db, spec);
	else {
		const id = parseChannelId(rawId);
		if (id === null) error(404, 'No such channel');
		r = await updateChannel(app.database.db, id, spec, false, app.config.monitorsFile);
	}
	if (!r.ok) {
		if (r.status === 404) error(404, 'No such channel');
		// A secret typed is not sent back in full (a mask shown by the form is): the form asks for it again.
		const masked = (v: string) => (v.startsWith('…') ? v : '');
		return fail(r.status, {
			values: { ...values, secret: masked(values.secret), password: masked(values.password) },
			errors: toFormErrors(r.errors)
		});
	}
	if (r.generatedSecret) return { created: { id: r.channel.id, name: r.channel.name, secret: r.generatedSecret } };
	redirect(303, `/admin/alerts?saved=${encodeURIComponent(r.channel.name)}`);
}
