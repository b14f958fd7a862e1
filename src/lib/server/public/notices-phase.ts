// What the public answers that show incidents and maintenance depend on
// besides the status snapshot: the notices' version (a write) and the clock,
// but only where it crosses a window's start or end (scheduled turns
// in_progress, in_progress turns completed). The answer cache (cache.ts)
// keys on this, so an answer is rendered again exactly when one of them
// moved, not on every request, and a window that starts is never served as
// still upcoming from the cache.
import type { NoticesData } from '../notices/cache';
import { nextOccurrences } from '../maintenance/recurrence';

/** Re-derive at least this often: a past occurrence leaves the 30-day list by the clock alone. */
const MAX_HOLD_MS = 3_600_000;

interface Phase {
	key: string;
	/** The key holds until this instant (ms). */
	until: number;
}

const phases = new WeakMap<NoticesData, Phase>();

/** The next window boundary after `now` (ms), or now + MAX_HOLD_MS if sooner. */
export function nextBoundary(data: Pick<NoticesData, 'maintenances'>, now: Date): number {
	let until = now.getTime() + MAX_HOLD_MS;
	for (const m of data.maintenances) {
		// The window in progress (its end) and the next one (its start), which is all that can move first.
		for (const o of nextOccurrences(m.window, now, 2)) {
			if (o.start.getTime() > now.getTime()) until = Math.min(until, o.start.getTime());
			if (o.end.getTime() > now.getTime()) until = Math.min(until, o.end.getTime());
		}
	}
	return until;
}

/** A key that changes when the notices do or the clock crosses a window boundary; cheap on repeat calls. */
export function noticesPhase(data: NoticesData, now: Date): string {
	let p = phases.get(data);
	if (!p || now.getTime() >= p.until) {
		const until = nextBoundary(data, now);
		p = { key: `${data.version}@${until}`, until };
		phases.set(data, p);
	}
	return p.key;
}
