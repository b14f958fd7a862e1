// Generic webhook: a JSON body signed with HMAC-SHA256 of the channel's
// secret over the exact bytes (`X-Porthole-Signature: sha256=<hex>`), and
// `Idempotency-Key` (equal to the body's `id`) the same on every retry. The
// schema is documented in README's "Alerts": keep the key order.
import { createHmac } from 'node:crypto';
import type { WebhookConfig } from '../../alert-types';
import type { MessageIn } from './messages';
import { PAYLOAD_VERSION } from '../../alert-types';
import { httpUrl, isSuccess, post } from './http';
import type { ChannelSender, Delivery, Outgoing } from './types';

/** One message as an object with keys in a fixed order (jsonb keeps its own order, so nested objects are rebuilt too). */
export function webhookObject(m: MessageIn): Record<string, unknown> {
	const p = m.payload;
	const head = { version: PAYLOAD_VERSION, id: m.idempotencyKey, kind: p.kind };
	if (p.kind === 'test') {
		const channel = p.channel as { name?: unknown } | undefined;
		return { ...head, at: p.at, channel: { name: channel?.name } };
	}
	const monitor = p.monitor as { tag?: unknown; name?: unknown } | undefined;
	return {
		...head,
		monitor: { tag: monitor?.tag, name: monitor?.name },
		status: p.status,
		at: p.at,
		since: p.since,
		...(p.durationSeconds !== undefined ? { durationSeconds: p.durationSeconds } : {}),
		...(p.reminder !== undefined ? { reminder: p.reminder } : {})
	};
}

/** The exact body bytes sent (and signed) for one message. */
export const webhookBody = (m: MessageIn): string => JSON.stringify(webhookObject(m));

/** A digest: `{version, id (the batch key), kind: 'digest', messages: [each message's own object]}`. */
export const digestBody = (out: Outgoing): string =>
	JSON.stringify({ version: PAYLOAD_VERSION, id: out.key, kind: 'digest', messages: out.messages.map(webhookObject) });

/** `sha256=` and the hex HMAC-SHA256 of the body with the channel's secret, as GitHub signs its webhooks. */
export const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export const webhook: ChannelSender<WebhookConfig, string> = {
	render: (out) => (out.digest ? digestBody(out) : webhookBody(out.messages[0])),

	async deliver(config, out, { timeoutMs }): Promise<Delivery> {
		const u = httpUrl(config.url, 'webhook');
		if ('error' in u) return { statusCode: null, error: u.error, delivered: false };
		const body = this.render(out, config);
		try {
			const a = await post(u.url, body, timeoutMs, {
				'content-type': 'application/json',
				'user-agent': 'Porthole-Alerts/1',
				'x-porthole-signature': signature(config.secret, body),
				'idempotency-key': out.key
			});
			// A plain non-2xx is logged as its status ("HTTP 500"): the receiver is ours to read.
			return { statusCode: a.statusCode, error: null, delivered: isSuccess(a.statusCode) };
		} catch (err) {
			return { statusCode: null, error: err instanceof Error ? err.message : String(err), delivered: false };
		}
	}
};
