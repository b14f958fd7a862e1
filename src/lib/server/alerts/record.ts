// The alert step of a check write: runs inside recordCheck's transaction, so
// the confirmation state and the messages it queues commit (or roll back)
// with the check itself. A crash after the commit loses nothing: the sender
// finds the rows. A duplicate slot never gets here (first write wins).
import type { Tx } from '../db/index';
import type { CheckInput } from '../db/queries/checks';
import { enqueueAlerts, lockAlertState, saveAlertState, type NewOutboxRow } from '../db/queries/alerts';
import { alertTargetsOf } from '../db/queries/monitor-alerts';
import { confirmSettingsOf, step, type Emit } from './confirm';

/**
 * The idempotency key: one per confirmation (monitor, kind, confirming slot)
 * per channel; a reminder's carries its number too ("reminder3").
 */
export const idempotencyKey = (monitorId: number, kind: Emit['kind'], at: Date, channelId: number, reminder?: number) =>
	`porthole-${monitorId}-${kind}${kind === 'reminder' ? (reminder ?? 0) : ''}-${Math.floor(at.getTime() / 1000)}-${channelId}`;

/** The message as stored (the sender adds version and id in a fixed key order). */
export function payloadOf(monitor: { tag: string; name: string }, e: Emit): Record<string, unknown> {
	return {
		kind: e.kind,
		monitor,
		status: e.status,
		at: e.at.toISOString(),
		since: e.since.toISOString(),
		...(e.kind === 'recovered' && e.durationSeconds !== null ? { durationSeconds: e.durationSeconds } : {}),
		...(e.kind === 'reminder' ? { reminder: e.reminder } : {})
	};
}

/**
 * The hook recordCheck calls after writing a new check. The monitor's own
 * settings decide (monitors.alert_*); its channels are the ones it names and
 * those scoped to all monitors or to its group. An inactive monitor, or one
 * no channel serves, costs one indexed statement that returns nothing
 * (alertTargetsOf) and touches no state.
 */
export function alertOnCheck() {
	/** Resolves true when messages were queued (the sender is woken after the commit). */
	return async (tx: Tx, c: CheckInput): Promise<boolean> => {
		const targets = await alertTargetsOf(tx, c.monitorId);
		if (!targets) return false;
		const prev = await lockAlertState(tx, c.monitorId);
		const { next, emit } = step(prev, c.status, c.ts, confirmSettingsOf(targets.settings));
		if (next === prev) return false;
		await saveAlertState(tx, c.monitorId, next);
		if (!emit) return false;
		const payload = payloadOf(targets.monitor, emit);
		const reminder = emit.kind === 'reminder' ? emit.reminder : undefined;
		const rows: NewOutboxRow[] = targets.channels.map((channelId) => ({
			channelId,
			monitorId: c.monitorId,
			kind: emit.kind,
			idempotencyKey: idempotencyKey(c.monitorId, emit.kind, emit.at, channelId, reminder),
			payload
		}));
		await enqueueAlerts(tx, rows);
		return true;
	};
}
