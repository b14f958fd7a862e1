// The alert step of a check write: runs inside recordCheck's transaction, so
// the confirmation state and the messages it queues commit (or roll back)
// with the check itself. A crash after the commit loses nothing: the sender
// finds the rows. A duplicate slot never gets here (first write wins).
import type { Tx } from '../db/index';
import type { CheckInput } from '../db/queries/checks';
import { channelIdsOf, enqueueAlerts, lockAlertState, monitorLabel, saveAlertState, type NewOutboxRow } from '../db/queries/alerts';
import { DEFAULT_CONFIRM, step, type ConfirmSettings, type Emit } from './confirm';

/** The webhook body's version: bump on any incompatible change to the payload. */
export const PAYLOAD_VERSION = 1;

/** The idempotency key: one per confirmation (monitor, kind, confirming slot) per channel. */
export const idempotencyKey = (monitorId: number, kind: Emit['kind'], at: Date, channelId: number) =>
	`porthole-${monitorId}-${kind}-${Math.floor(at.getTime() / 1000)}-${channelId}`;

/** The message as stored (the sender adds version and id in a fixed key order). */
export function payloadOf(monitor: { tag: string; name: string }, e: Emit): Record<string, unknown> {
	return {
		kind: e.kind,
		monitor,
		status: e.status,
		at: e.at.toISOString(),
		since: e.since.toISOString(),
		...(e.kind === 'recovered' && e.durationSeconds !== null ? { durationSeconds: e.durationSeconds } : {})
	};
}

/**
 * The hook recordCheck calls after writing a new check. With no channels on
 * the monitor it is one primary-key lookup and nothing else.
 */
export function alertOnCheck(settings: ConfirmSettings = DEFAULT_CONFIRM) {
	/** Resolves true when messages were queued (the sender is woken after the commit). */
	return async (tx: Tx, c: CheckInput): Promise<boolean> => {
		const channels = await channelIdsOf(tx, c.monitorId);
		if (channels.length === 0) return false;
		const prev = await lockAlertState(tx, c.monitorId);
		const { next, emit } = step(prev, c.status, c.ts, settings);
		if (next === prev) return false;
		await saveAlertState(tx, c.monitorId, next);
		if (!emit) return false;
		const monitor = (await monitorLabel(tx, c.monitorId)) ?? { tag: String(c.monitorId), name: '' };
		const payload = payloadOf(monitor, emit);
		const rows: NewOutboxRow[] = channels.map((channelId) => ({
			channelId,
			monitorId: c.monitorId,
			kind: emit.kind,
			idempotencyKey: idempotencyKey(c.monitorId, emit.kind, emit.at, channelId),
			payload
		}));
		await enqueueAlerts(tx, rows);
		return true;
	};
}
