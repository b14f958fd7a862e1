// Synthetic check history for the demo seeder: realistic runs of UP with
// DOWN and DEGRADED incidents, maintenance windows and gaps with no data.
// Every simulated check goes through rollupDelta/mergeDelta, the formula live
// checks use, so bars and charts drawn from seeded rollups are exactly what
// the same checks would have produced one by one.
import { mergeDelta, rollupDelta, type RollupDelta } from '../db/queries/rollup';
import type { MonitorStatus } from '../types';
import { addDays, lastDays, zonedMidnight } from '$lib/time';

/** Small deterministic PRNG (mulberry32), so a seed gives the same history. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface Episode {
	from: number;
	to: number;
	/** GAP = nothing was checked. */
	kind: MonitorStatus | 'GAP';
}

export interface HistoryOptions {
	/** First slot (inclusive) and end (exclusive), epoch ms. */
	from: number;
	to: number;
	slotMs: number;
	timeZone: string;
	/** Raw checks are kept from here on (the last 7 days). */
	rawFrom: number;
	rand: () => number;
	/** Typical connect time in ms. */
	baseLatency: number;
	/** Extra episodes placed on purpose (the demo's known outage). */
	extra?: Episode[];
}

export interface RawCheck {
	ts: number;
	status: MonitorStatus;
	latency: number;
}

export interface History {
	hours: Map<number, RollupDelta>;
	days: Map<string, RollupDelta>;
	raw: RawCheck[];
	changes: { ts: number; from: MonitorStatus | null; to: MonitorStatus }[];
	last: { ts: number; status: MonitorStatus; latency: number; since: number } | null;
}

const MIN = 60_000;
const HOUR = 3_600_000;

/** Random incidents over [from, to): per day, a chance of each kind of trouble. */
export function randomEpisodes(from: number, to: number, rand: () => number, flakiness = 1): Episode[] {
	const out: Episode[] = [];
	const add = (perDay: number, minLen: number, maxLen: number, kind: Episode['kind']) => {
		for (let day = from; day < to; day += 24 * HOUR) {
			if (rand() >= perDay * flakiness) continue;
			const start = day + Math.floor(rand() * 24 * HOUR);
			const len = minLen + Math.floor(rand() ** 2 * (maxLen - minLen));
			out.push({ from: start, to: Math.min(to, start + len), kind });
		}
	};
	add(0.06, 3 * MIN, 150 * MIN, 'DOWN');
	add(0.1, 10 * MIN, 240 * MIN, 'DEGRADED');
	add(0.025, 30 * MIN, 180 * MIN, 'MAINTENANCE');
	add(0.012, 1 * HOUR, 14 * HOUR, 'GAP');
	return out;
}

const PRIORITY: Record<Episode['kind'], number> = { GAP: 4, MAINTENANCE: 3, DOWN: 2, DEGRADED: 1, UP: 0 };

/** Simulates every slot in [from, to) and folds it into hour and day rollups. */
export function simulate(o: HistoryOptions, episodes: Episode[]): History {
	const eps = [...episodes, ...(o.extra ?? [])].sort((a, b) => a.from - b.from);
	// Day boundaries in the site zone, computed once (not one Intl call per slot).
	const dayList = lastDays(Math.ceil((o.to - o.from) / (24 * HOUR)) + 2, new Date(o.to), o.timeZone);
	const bounds = [...dayList, addDays(dayList[dayList.length - 1], 1)].map((d) => zonedMidnight(d, o.timeZone));
	let di = 0;

	const hours = new Map<number, RollupDelta>();
	const days = new Map<string, RollupDelta>();
	const raw: RawCheck[] = [];
	const changes: History['changes'] = [];
	let last: History['last'] = null;
	let active: Episode[] = [];
	let ei = 0;
	let drift = 0;

	const first = Math.ceil(o.from / o.slotMs) * o.slotMs;
	for (let t = first; t < o.to; t += o.slotMs) {
		while (ei < eps.length && eps[ei].from <= t) active.push(eps[ei++]);
		if (active.length) active = active.filter((e) => e.to > t);
		let kind: Episode['kind'] = 'UP';
		for (const e of active) if (PRIORITY[e.kind] > PRIORITY[kind]) kind = e.kind;
		if (kind === 'GAP') continue;
		const status = kind as MonitorStatus;

		// Latency wanders slowly around the base, with the odd spike.
		drift = drift * 0.98 + (o.rand() - 0.5) * 0.1;
		let latency = o.baseLatency * (1 + drift) * (0.85 + o.rand() * 0.3);
		if (o.rand() < 0.005) latency *= 3 + o.rand() * 5;
		if (status === 'DEGRADED') latency *= 4 + o.rand() * 4;
		if (status === 'DOWN') latency = 0;
		latency = Math.round(Math.max(0.05, latency) * 1000) / 1000;

		const d = rollupDelta(status, latency);
		const h = Math.floor(t / HOUR) * HOUR;
		const ph = hours.get(h);
		hours.set(h, ph ? mergeDelta(ph, d) : d);
		while (di + 1 < bounds.length && t >= bounds[di + 1]) di++;
		const day = dayList[di];
		const pd = days.get(day);
		days.set(day, pd ? mergeDelta(pd, d) : d);

		if (t >= o.rawFrom) raw.push({ ts: t, status, latency });
		if (!last || last.status !== status) {
			changes.push({ ts: t, from: last?.status ?? null, to: status });
			last = { ts: t, status, latency, since: t };
		} else {
			last.ts = t;
			last.latency = latency;
		}
	}
	return { hours, days, raw, changes, last };
}
