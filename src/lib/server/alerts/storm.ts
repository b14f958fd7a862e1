// Storm grouping: when many monitors change at once, one message per channel
// lists them instead of one message each. A channel is in a storm when at
// least its storm_threshold messages were queued to it in the last minute
// (pending or sent); then its due rows go out as one digest (up to
// `digestMax` rows), after the oldest has waited `gatherMs` so the rest of
// the storm can join, or `spacingMs` once a digest went out in that minute:
// a storm written over many seconds makes a digest every `spacingMs`, not one
// per gather. A quiet channel's message goes out at once.
// A digest's rows get its batch key in the transaction that records the
// attempt; a retry sends exactly those rows again under the same key. The key
// is derived from the rows' ids, so if a sender dies mid-send (nothing
// recorded) and the next digest holds other rows, it also has another key.
import { createHash } from 'node:crypto';
import type { Tx } from '../db/index';
import { claimChannelDue, lockBatch, recentCounts, tryStormLock, type ClaimedAlert } from '../db/queries/alerts';

/** One request (or mail): a single message, or a digest of several. */
export interface Unit {
	/** The idempotency key sent: the row's own, or the digest's batch key. */
	key: string;
	rows: ClaimedAlert[];
	digest: boolean;
}

export interface StormOptions {
	/** Most rows in one digest. */
	digestMax: number;
	/** How long a storm's oldest due row waits for others to join its digest. */
	gatherMs: number;
	/** The same, once the channel had a digest in the last minute. */
	spacingMs: number;
}

/** The digest's key: channel, first row, and a hash of every row id (a different set of rows, a different key). */
export function digestKey(channelId: number, ids: number[]): string {
	const sorted = [...ids].sort((a, b) => a - b);
	const hash = createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, 12);
	return `porthole-digest-${channelId}-${sorted[0]}-${hash}`;
}

const single = (r: ClaimedAlert): Unit => ({ key: r.idempotencyKey, rows: [r], digest: false });

/**
 * Turns the claimed rows into what to send. Rows of a digest being retried
 * bring the rest of it (or, if another sender holds part of it, are left for
 * later); rows of a storming channel bring the channel's other due rows into
 * one digest; the rest go alone. Rows left out stay pending, unchanged.
 */
export async function unitsOf(tx: Tx, due: ClaimedAlert[], o: StormOptions): Promise<Unit[]> {
	const units: Unit[] = [];
	for (const key of new Set(due.flatMap((r) => (r.batchKey ? [r.batchKey] : [])))) {
		const { rows, total } = await lockBatch(tx, key);
		if (rows.length > 0 && rows.length === total) units.push({ key, rows, digest: true });
	}
	// Alone: a test message (whoever asked is waiting to see it), and a message
	// already tried alone (the receiver may have it under its own key: a retry
	// inside a digest would bring it back under another).
	const alone = (r: ClaimedAlert) => r.kind === 'test' || r.attempts > 0;
	const fresh = due.filter((r) => !r.batchKey);
	units.push(...fresh.filter(alone).map(single));
	const byChannel = new Map<number, ClaimedAlert[]>();
	for (const r of fresh.filter((r) => !alone(r))) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
	if (byChannel.size === 0) return units;
	const counts = await recentCounts(tx, [...byChannel.keys()]);
	for (const [channelId, rows] of byChannel) {
		// A threshold of 0 (or less) switches grouping off for the channel.
		const threshold = rows[0].stormThreshold;
		const recent = counts.get(channelId) ?? { messages: 0, digests: 0 };
		if (threshold <= 0 || recent.messages < threshold) {
			units.push(...rows.map(single));
			continue;
		}
		// Another claim is forming this channel's digest: its rows wait for the next one.
		if (!(await tryStormLock(tx, channelId))) continue;
		const all = await claimChannelDue(tx, channelId, o.digestMax);
		const hold = recent.digests > 0 ? o.spacingMs : o.gatherMs;
		if (all.length === 0 || Math.max(...all.map((r) => r.ageMs)) < hold) continue;
		if (all.length === 1) units.push(single(all[0]));
		else
			units.push({
				key: digestKey(
					channelId,
					all.map((r) => r.id)
				),
				rows: all,
				digest: true
			});
	}
	return units;
}
