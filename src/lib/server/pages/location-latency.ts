// Latency per location for the monitor page's chart: one line per location
// over the same buckets as the monitor's own series (pages/latency.ts), the
// mean of each location's open-ping latency. Monitors never probed from a
// location get no lines, and their chart is unchanged.
import { rangeBuckets, type Range } from './latency';
import { zonedMidnight } from '$lib/time';

export interface LocationLine {
	location: string;
	/** Per bucket of the range, in order: mean latency in ms, or null (no open ping there). */
	avg: (number | null)[];
}

/** A location's latency sum and count at a moment (a raw slot: count 0 or 1; an hour: its rollup). */
export interface LocationSample {
	t: number;
	location: string;
	sum: number;
	count: number;
}

/** The start of each bucket the range draws, ascending (90 d: the zone's midnights). */
export function bucketStarts(range: Range, timeZone: string, now: Date): number[] {
	const b = rangeBuckets(range, timeZone, now);
	if (range === '90d') return b.days.map((d) => zonedMidnight(d, timeZone));
	return Array.from({ length: b.n }, (_, i) => b.from + i * b.bucketMs);
}

/** Index of the bucket holding t (the last start ≤ t), or -1 before the first. */
export function bucketIndex(starts: readonly number[], t: number): number {
	let lo = 0,
		hi = starts.length - 1,
		found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (starts[mid] <= t) {
			found = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** One line per location seen in the samples (sorted by name); [] when there are none. */
export function locationLines(samples: readonly LocationSample[], starts: readonly number[], end: number): LocationLine[] {
	const acc = new Map<string, { sum: number[]; count: number[] }>();
	for (const s of samples) {
		const i = bucketIndex(starts, s.t);
		if (i < 0 || s.t > end) continue;
		let a = acc.get(s.location);
		if (!a) acc.set(s.location, (a = { sum: starts.map(() => 0), count: starts.map(() => 0) }));
		a.sum[i] += s.sum;
		a.count[i] += s.count;
	}
	return [...acc.keys()].sort().map((location) => {
		const a = acc.get(location)!;
		return { location, avg: a.sum.map((v, i) => (a.count[i] ? round3(v / a.count[i]) : null)) };
	});
}
