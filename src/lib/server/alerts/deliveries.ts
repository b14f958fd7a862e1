// The delivery log, as the admin page and GET /api/v1/deliveries show it:
// every attempt (time, channel, monitor, kind, answer, duration), newest
// first, a page at a time (`before`: the last attempt id of the page before),
// and on the first page each message still pending with its next try.
import type { Db } from '../db/index';
import { deliveryLog, pendingMessages } from '../db/queries/alert-channels';

export const DELIVERY_PAGE = 50;
export const MAX_DELIVERY_PAGE = 200;
/** Pending messages listed at most: more than this is a receiver down, which the first ones already show. */
const PENDING_SHOWN = 100;

export interface DeliveryQuery {
	limit?: number;
	/** Attempts older than this attempt id. */
	before?: number | null;
	channelId?: number | null;
}

export async function deliveryPage(db: Db, q: DeliveryQuery = {}) {
	const limit = q.limit ?? DELIVERY_PAGE;
	// Waiting messages first, attempts second: a message the sender settles
	// between the two reads then shows as waiting or as delivered, never as
	// neither (the admin page stops refreshing when nothing waits).
	const pending = q.before ? [] : await pendingMessages(db, { limit: PENDING_SHOWN, channelId: q.channelId ?? null });
	const rows = await deliveryLog(db, { limit: limit + 1, beforeId: q.before ?? null, channelId: q.channelId ?? null });
	const page = rows.slice(0, limit);
	const monitor = (tag: string | null, name: string | null) => (tag ? { tag, name } : null);
	return {
		deliveries: page.map((d) => ({
			id: d.id,
			messageId: d.outboxId,
			at: d.at.toISOString(),
			channel: { id: d.channelId, name: d.channelName },
			monitor: monitor(d.monitorTag, d.monitorName),
			kind: d.kind,
			status: d.statusCode,
			error: d.error,
			durationMs: d.durationMs
		})),
		pending: pending.map((p) => ({
			messageId: p.id,
			kind: p.kind,
			channel: { id: p.channelId, name: p.channelName },
			monitor: monitor(p.monitorTag, p.monitorName),
			queuedAt: p.createdAt.toISOString(),
			attempts: p.attempts,
			nextAttemptAt: p.nextAttemptAt.toISOString(),
			lastError: p.lastError
		})),
		/** The next page's `before`, or null on the last page. */
		next: rows.length > limit ? String(page.at(-1)!.id) : null
	};
}
export type DeliveryPage = Awaited<ReturnType<typeof deliveryPage>>;
