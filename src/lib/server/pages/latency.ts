// Latency series for the monitor page's chart. Every bucket of the
// range is returned, with avg = null when it is empty or mostly DOWN, so the
// chart draws gaps instead of bridging them. 24 h folds the checks (raw rows
// and closed-hour blocks) into 5-minute buckets with the same
// rollupDelta/mergeDelta as the rollups; the other ranges take the rows of
// check_hours / check_days.
import { mergeDelta, rollupDelta, type RollupDelta } from '../db/queries/rollup';
import type { MonitorStatus } from '../types';
import { hourBucket, lastDays, zonedMidnight } from '$lib/time';

export const RANGES = ['24h', '7d', '30d', '90d'] as const;
export type Range = (typeof RANGES)[number];
export const isRange = (v: unknown): v is Range => RANGES.includes(v as Range);

/** u measured · d mostly DOWN · m mostly MAINTENANCE · n no checks */
export type BucketState = 'u' | 'd' | 'm' | 'n';

export interface LatencyPoint {
	/** Bucket start, epoch ms. */
	t: number;
	avg: number | null;
	min: number | null;
	max: number | null;
	s: BucketState;
}

export interface LatencySeries {
	range: Range;
	bucketMs: number;
	from: number;
	to: number;
	points: LatencyPoint[];
	/** Only for a monitor probed from locations: one line per location over the same buckets (pages/location-latency.ts). */
	locations?: { location: string; avg: (number | null)[] }[];
}

const MIN5 = 5 * 60_000;
const HOUR = 3_600_000;

export function bucketState(c: Pick<RollupDelta, 'up' | 'degraded' | 'down' | 'maintenance'>): BucketState {
	const total = c.up + c.degraded + c.down + c.maintenance;
	if (total === 0) return 'n';
	if (c.down > c.up + c.degraded) return 'd';
	if (c.maintenance > c.up + c.degraded + c.down) return 'm';
	return 'u';
}

export function point(t: number, c: RollupDelta | undefined): LatencyPoint {
	if (!c) return { t, avg: null, min: null, max: null, s: 'n' };
	const s = bucketState(c);
	const measured = s === 'u' && c.latencyCount > 0;
	return {
		t,
		avg: measured ? round3(c.latencySum / c.latencyCount) : null,
		min: measured ? c.latencyMin : null,
		max: measured ? c.latencyMax : null,
		s
	};
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Folds raw checks into fixed buckets with the rollup formula. */
export function foldChecks(
	rows: { ts: Date; status: string; latency: number }[],
	from: number,
	bucketMs: number,
	n: number
): LatencyPoint[] {
	const acc = new Map<number, RollupDelta>();
	for (const r of rows) {
		const i = Math.floor((r.ts.getTime() - from) / bucketMs);
		if (i < 0 || i >= n) continue;
		const d = rollupDelta(r.status as MonitorStatus, r.latency);
		const prev = acc.get(i);
		acc.set(i, prev ? mergeDelta(prev, d) : d);
	}
	return Array.from({ length: n }, (_, i) => point(from + i * bucketMs, acc.get(i)));
}

/**
 * The buckets a range draws: 24 h in 5-minute buckets ending with the current
 * one, 7 d and 30 d in UTC hours ending with the current hour, 90 d in the
 * site zone's calendar days ending with today (`days`).
 */
export function rangeBuckets(range: Range, timeZone: string, now: Date): { bucketMs: number; from: number; n: number; days: string[] } {
	const end = now.getTime();
	if (range === '24h') {
		const n = 288;
		return { bucketMs: MIN5, from: Math.floor(end / MIN5) * MIN5 - (n - 1) * MIN5, n, days: [] };
	}
	if (range === '7d' || range === '30d') {
		const n = range === '7d' ? 168 : 720;
		return { bucketMs: HOUR, from: hourBucket(now).getTime() - (n - 1) * HOUR, n, days: [] };
	}
	const days = lastDays(90, now, timeZone);
	return { bucketMs: 24 * HOUR, from: zonedMidnight(days[0], timeZone), n: days.length, days };
}

/** The 24-hour series from the raw checks since its first bucket. */
export function checkSeries(rows: { ts: Date; status: string; latency: number }[], timeZone: string, now: Date): LatencySeries {
	const b = rangeBuckets('24h', timeZone, now);
	return { range: '24h', bucketMs: b.bucketMs, from: b.from, to: now.getTime(), points: foldChecks(rows, b.from, b.bucketMs, b.n) };
}

/** The 7- or 30-day series from the hourly rollups of its hours. */
export function hourSeries(range: '7d' | '30d', rows: (RollupDelta & { bucket: Date })[], timeZone: string, now: Date): LatencySeries {
	const b = rangeBuckets(range, timeZone, now);
	const by = new Map(rows.map((r) => [r.bucket.getTime(), r]));
	const points = Array.from({ length: b.n }, (_, i) => point(b.from + i * HOUR, by.get(b.from + i * HOUR)));
	return { range, bucketMs: HOUR, from: b.from, to: now.getTime(), points };
}

/** The 90-day series from the daily rollups of its days. */
export function daySeries(rows: (RollupDelta & { day: string })[], timeZone: string, now: Date): LatencySeries {
	const b = rangeBuckets('90d', timeZone, now);
	const by = new Map(rows.map((r) => [r.day, r]));
	const points = b.days.map((d) => point(zonedMidnight(d, timeZone), by.get(d)));
	return { range: '90d', bucketMs: 24 * HOUR, from: points[0].t, to: now.getTime(), points };
}
