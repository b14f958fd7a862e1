// Latency series for the monitor page's chart (UI.md §5). Every bucket of the
// range is returned, with avg = null when it is empty or mostly DOWN, so the
// chart draws gaps instead of bridging them. 24 h folds the checks (raw rows
// and closed-hour blocks) into
// 5-minute buckets with the same rollupDelta/mergeDelta as the rollups; the
// other ranges read check_hours / check_days.
import { and, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../db/index';
import { checkDays, checkHours } from '../db/schema';
import { checkPointsSince } from '../db/queries/checks';
import { hourBucket, mergeDelta, rollupDelta, type RollupDelta } from '../rollup';
import type { MonitorStatus } from '../types';
import { lastDays, zonedMidnight } from './zone';

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

export async function latencySeries(
	db: Db,
	monitorId: number,
	range: Range,
	timeZone: string,
	now = new Date()
): Promise<LatencySeries> {
	const end = now.getTime();
	if (range === '24h') {
		const n = 288;
		const from = Math.floor(end / MIN5) * MIN5 - (n - 1) * MIN5;
		const rows = await checkPointsSince(db, monitorId, new Date(from));
		return { range, bucketMs: MIN5, from, to: end, points: foldChecks(rows, from, MIN5, n) };
	}
	if (range === '7d' || range === '30d') {
		const n = range === '7d' ? 168 : 720;
		const from = hourBucket(now).getTime() - (n - 1) * HOUR;
		const rows = await db
			.select()
			.from(checkHours)
			.where(
				and(eq(checkHours.monitorId, monitorId), gte(checkHours.bucket, new Date(from)), lt(checkHours.bucket, new Date(end + HOUR)))
			);
		const by = new Map(rows.map((r) => [r.bucket.getTime(), r]));
		const points = Array.from({ length: n }, (_, i) => point(from + i * HOUR, by.get(from + i * HOUR)));
		return { range, bucketMs: HOUR, from, to: end, points };
	}
	const days = lastDays(90, now, timeZone);
	const rows = await db
		.select()
		.from(checkDays)
		.where(and(eq(checkDays.monitorId, monitorId), gte(checkDays.day, days[0])));
	const by = new Map(rows.map((r) => [r.day, r]));
	const points = days.map((d) => point(zonedMidnight(d, timeZone), by.get(d)));
	return { range, bucketMs: 24 * HOUR, from: points[0].t, to: end, points };
}
