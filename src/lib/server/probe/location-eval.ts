// The pure parts of probing from several places (probe/locations.ts runs
// them): which locations are live, when a slot's eval may run, and the eval's
// input, every location's pings with `location` on each.
import type { Host, Ping } from '../types';

/** A ping as the eval sees it with locations: the spec's fields, then where it was probed from. */
export type LocatedPing = Ping & { location: string };

/** A location is live while its heartbeat is younger than this (heartbeats every HEARTBEAT_MS). */
export const LIVE_MS = 120_000;
export const HEARTBEAT_MS = 15_000;

/** Names of the locations seen within `withinMs`, sorted. */
export function liveOf(ages: readonly { name: string; ageMs: number }[], withinMs = LIVE_MS): string[] {
	return ages
		.filter((a) => Number.isFinite(a.ageMs) && a.ageMs < withinMs)
		.map((a) => a.name)
		.sort();
}

/**
 * When a slot's eval runs at the latest, whoever has reported by then: the
 * slot's planned start, its slowest host's timeout, and a grace for writing
 * (2 s, or a fifth of the interval if that is more). A dead location that is
 * still counted live delays the slot's check until then, never longer.
 */
export function evalDeadline(due: number, hosts: readonly Pick<Host, 'timeout'>[], intervalMs: number): number {
	const slowest = Math.max(0, ...hosts.map((h) => h.timeout));
	return due + slowest + Math.max(2000, intervalMs / 5);
}

/**
 * Whether the slot's eval may run now: every live location has reported (the
 * set is complete), or the deadline has passed with at least one result.
 * Locations that reported without being live count too: their pings are in.
 */
export function readyToEval(reported: readonly string[], live: readonly string[], now: number, deadline: number): boolean {
	if (reported.length === 0) return false;
	if (now >= deadline) return true;
	const have = new Set(reported);
	return live.every((l) => have.has(l));
}

/**
 * The eval's input: every location's pings, ordered by location name and
 * then in host order, each carrying its `location`. The same array (the extra
 * field is not stored) becomes the check's pings.
 */
export function evalInput(results: readonly { location: string; pings: readonly Ping[] }[]): LocatedPing[] {
	return [...results]
		.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0))
		.flatMap((r) => r.pings.map((p) => ({ ...p, location: r.location })));
}
