// /api/v1 alert channels and the delivery log, for machines. Channels are
// shown masked always (alerts/channel-mask.ts); writes go through the channel
// service (alerts/channels.ts), which validates all of a body before writing
// and keeps a secret sent back as its mask. The admin guard has already
// checked the key: reads need a key of either scope (they name where alerts
// go), writes a write key. Channels from CHANNELS_FILE answer 409 to writes.
import type { Db } from '../db/index';
import {
	createChannel,
	deleteChannel,
	getChannel,
	listChannels,
	parseChannelId,
	queueTestMessage,
	updateChannel,
	type ChannelResult
} from '../alerts/channels';
import { deliveryPage, MAX_DELIVERY_PAGE } from '../alerts/deliveries';
import type { ApiReply } from './write';

const BASE = '/api/v1';

const notFound = (): ApiReply => ({
	status: 404,
	body: { error: 'no such channel', errors: [{ path: 'id', message: 'no such channel' }] }
});

function answer(r: ChannelResult, okStatus: number): ApiReply {
	if (!r.ok) {
		const error = r.status === 400 ? 'invalid channel; nothing was written' : r.errors[0].message;
		return { status: r.status, body: { error, errors: r.errors } };
	}
	// A secret made here is in the answer this once (the receiver needs it to check signatures).
	const body = r.generatedSecret ? { ...r.channel, generatedSecret: r.generatedSecret } : r.channel;
	return { status: okStatus, body, headers: r.created ? { location: `${BASE}/channels/${r.channel.id}` } : undefined };
}

export async function apiListChannels(db: Db): Promise<ApiReply> {
	return { status: 200, body: { channels: await listChannels(db) } };
}

export async function apiGetChannel(db: Db, rawId: string): Promise<ApiReply> {
	const id = parseChannelId(rawId);
	const c = id === null ? null : await getChannel(db, id);
	return c ? { status: 200, body: c } : notFound();
}

/** POST /api/v1/channels: 201 with its Location; a webhook without `secret` gets one, in `generatedSecret` this once. */
export async function apiCreateChannel(db: Db, body: unknown): Promise<ApiReply> {
	return answer(await createChannel(db, body), 201);
}

/**
 * PATCH /api/v1/channels/{id}: the given fields over the stored ones; a masked secret sent back is kept.
 * `monitorsFile` (MONITORS_FILE): a channel its monitors name keeps its name.
 */
export async function apiUpdateChannel(db: Db, rawId: string, body: unknown, monitorsFile?: string): Promise<ApiReply> {
	const id = parseChannelId(rawId);
	if (id === null) return notFound();
	return answer(await updateChannel(db, id, body, true, monitorsFile), 200);
}

/** DELETE /api/v1/channels/{id}: 204; a channel MONITORS_FILE's monitors name is kept (409). */
export async function apiDeleteChannel(db: Db, rawId: string, monitorsFile?: string): Promise<ApiReply> {
	const id = parseChannelId(rawId);
	if (id === null) return notFound();
	const r = await deleteChannel(db, id, monitorsFile);
	return r.ok ? { status: 204, body: null } : { status: r.status, body: { error: r.errors[0].message, errors: r.errors } };
}

/**
 * POST /api/v1/channels/{id}/test: 202; the delivery log shows the answer once
 * the sender has tried. This process's sender (if it runs one) is woken after
 * the commit; otherwise a worker's safety poll finds the row within 10 s.
 */
export async function apiTestChannel(db: Db, rawId: string, wake?: () => void): Promise<ApiReply> {
	const id = parseChannelId(rawId);
	const q = id === null ? null : await queueTestMessage(db, id);
	if (!q) return notFound();
	wake?.();
	return { status: 202, body: { queued: true, messageId: q.outboxId, idempotencyKey: q.key } };
}

const badQuery = (path: string, message: string): ApiReply => ({
	status: 400,
	body: { error: `${path} ${message}`, errors: [{ path, message }] }
});

/** GET /api/v1/deliveries: `?limit` (1-200, default 50), `?before` (a page's `next`), `?channel` (an id). */
export async function apiDeliveries(db: Db, query: URLSearchParams): Promise<ApiReply> {
	const raw = { limit: query.get('limit'), before: query.get('before'), channel: query.get('channel') };
	const limit = raw.limit === null ? undefined : /^\d{1,4}$/.test(raw.limit) ? Number(raw.limit) : NaN;
	if (limit !== undefined && !(limit >= 1 && limit <= MAX_DELIVERY_PAGE))
		return badQuery('limit', `must be a whole number 1-${MAX_DELIVERY_PAGE}, got ${JSON.stringify(raw.limit)}`);
	const before = raw.before === null || raw.before === '' ? null : /^[1-9]\d{0,15}$/.test(raw.before) ? Number(raw.before) : NaN;
	if (Number.isNaN(before)) return badQuery('before', `must be a page's "next", got ${JSON.stringify(raw.before!.slice(0, 40))}`);
	const channelId = raw.channel === null ? null : parseChannelId(raw.channel);
	if (raw.channel !== null && channelId === null)
		return badQuery('channel', `must be a channel id, got ${JSON.stringify(raw.channel.slice(0, 40))}`);
	return { status: 200, body: await deliveryPage(db, { limit, before, channelId }) };
}
