// Figures and the printed table for bench/scale.ts (kept apart so the runner
// stays readable). Pure functions of what the phases recorded.
import { cpus, loadavg } from 'node:os';

/** What the bench keeps of one CheckEvent (all times epoch ms). */
export interface Slim {
	monitorId: number;
	slot: number;
	due: number;
	/** The scheduler's startedAt: before the slot claim. */
	startedAt: number;
	/** When probe() was called (after the claim), from the bench's probe wrapper. */
	probeAt: number;
	finishedAt: number;
	latencies: number[];
	notOpen: number;
	checkLatency: number;
	status: string;
	probeMs: number;
	evalMs: number;
	written: boolean;
	buffered: boolean;
}

export interface PhaseResult {
	name: string;
	monitors: number;
	expected: number;
	events: Slim[];
	rows: number;
	stats: { duplicates: number; writeErrors: number; skippedOverlap: number; claimedElsewhere: number };
	cpuPct: number;
	mainPct: number;
	pgPct: number;
	childPct: number;
	rssMaxMb: number;
	heapMaxMb: number;
	load: [number, number];
	warningsWarmup: number;
	warningsSpan: number;
}

export const TARGET = { p99DiffMs: 1, latenessMs: 1000, rssMb: 300, cpuPct: 10 };

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function pct(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
export const asc = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** A table: first column left-aligned, the rest right-aligned, a rule under the head. */
export function printTable(head: string[], rows: string[][]) {
	const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const out = (r: string[]) => console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
	console.log();
	out(head);
	console.log(w.map((n) => '-'.repeat(n)).join('  '));
	rows.forEach(out);
}

export const fmt = (n: number, d = 3) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const signed = (n: number, d = 3) => (n >= 0 ? `+${fmt(n, d)}` : fmt(n, d));

function figures(events: Slim[]) {
	const peak = (ms: number, at: (e: Slim) => number = (e) => e.probeAt) => {
		const per = new Map<number, number>();
		for (const e of events) per.set(Math.floor(at(e) / ms), (per.get(Math.floor(at(e) / ms)) ?? 0) + 1);
		return Math.max(0, ...per.values());
	};
	return {
		pings: asc(events.flatMap((e) => e.latencies)),
		notOpen: events.reduce((s, e) => s + e.notOpen, 0),
		notUp: events.filter((e) => e.status !== 'UP').length,
		buffered: events.filter((e) => e.buffered).length,
		check: asc(events.map((e) => e.checkLatency)),
		probe: asc(events.map((e) => e.probeMs)),
		evalMs: asc(events.map((e) => e.evalMs)),
		claim: asc(events.map((e) => e.probeAt - e.startedAt)),
		write: asc(events.map((e) => e.finishedAt - e.probeAt - e.probeMs - e.evalMs)),
		total: asc(events.map((e) => e.finishedAt - e.startedAt)),
		late: asc(events.map((e) => e.startedAt - e.due)),
		probeLate: asc(events.map((e) => e.probeAt - e.due)),
		plannedPeak1s: peak(1000, (e) => e.due),
		peak1s: peak(1000),
		peak100ms: peak(100)
	};
}

export function report(o: { ref: number[]; a: PhaseResult; b: PhaseResult; hosts: number; minutes: number }) {
	const { ref, a, b } = o;
	const fa = figures(a.events);
	const fb = figures(b.events);
	type Row = [string, string, string, string, string, string];
	const rows: Row[] = [];
	const cmp = (label: string, x: number, y: number, d = 3, refV = '') =>
		rows.push([label, refV, fmt(x, d), fmt(y, d), fmt(y - x, d), x > 0 && Number.isFinite(y / x) ? `${fmt(y / x, 2)}x` : '']);
	const line = (label: string, refV: string, x: string, y: string) => rows.push([label, refV, x, y, '', '']);
	const q = (f: ReturnType<typeof figures>, k: 'claim' | 'write' | 'total' | 'probe' | 'evalMs', p: number) => pct(f[k], p);

	line('checks in span (events / expected)', '100 / 100', `${a.events.length} / ${a.expected}`, `${b.events.length} / ${b.expected}`);
	line('rows in checks (measured slots / expected)', '-', `${a.rows} / ${a.expected}`, `${b.rows} / ${b.expected}`);
	const st = (r: PhaseResult, f: ReturnType<typeof figures>) =>
		`${r.stats.duplicates} / ${r.stats.writeErrors} / ${f.buffered} / ${r.stats.skippedOverlap}`;
	line('duplicates / write errors / buffered / overlaps', '-', st(a, fa), st(b, fb));
	line('pings not open / checks not UP', '-', `${fa.notOpen} / ${fa.notUp}`, `${fb.notOpen} / ${fb.notUp}`);
	line('open pings (sample size)', String(ref.length), String(fa.pings.length), String(fb.pings.length));
	cmp('ping latency p50 (ms)', pct(fa.pings, 50), pct(fb.pings, 50), 3, fmt(pct(ref, 50)));
	cmp('ping latency p90 (ms)', pct(fa.pings, 90), pct(fb.pings, 90), 3, fmt(pct(ref, 90)));
	cmp('ping latency p99 (ms)', pct(fa.pings, 99), pct(fb.pings, 99), 3, fmt(pct(ref, 99)));
	cmp('ping latency max (ms)', fa.pings.at(-1) ?? NaN, fb.pings.at(-1) ?? NaN, 3, fmt(ref.at(-1) ?? NaN));
	cmp('check latency (eval mean) p99 (ms)', pct(fa.check, 99), pct(fb.check, 99));
	cmp('slot claim p50 (ms)', q(fa, 'claim', 50), q(fb, 'claim', 50), 1);
	cmp('slot claim p99 (ms)', q(fa, 'claim', 99), q(fb, 'claim', 99), 1);
	cmp('probe via worker p50 (ms)', q(fa, 'probe', 50), q(fb, 'probe', 50), 1);
	cmp('probe via worker p99 (ms)', q(fa, 'probe', 99), q(fb, 'probe', 99), 1);
	cmp('eval p99 (ms)', q(fa, 'evalMs', 99), q(fb, 'evalMs', 99), 1);
	cmp('DB write p50 (ms)', q(fa, 'write', 50), q(fb, 'write', 50), 1);
	cmp('DB write p99 (ms)', q(fa, 'write', 99), q(fb, 'write', 99), 1);
	cmp('whole check p99 (ms)', q(fa, 'total', 99), q(fb, 'total', 99), 1);
	cmp('lateness of check start p50 (ms)', pct(fa.late, 50), pct(fb.late, 50), 0);
	cmp('lateness of check start p99 (ms)', pct(fa.late, 99), pct(fb.late, 99), 0);
	cmp('lateness of check start max (ms)', fa.late.at(-1) ?? NaN, fb.late.at(-1) ?? NaN, 0);
	cmp('lateness of probe start p99 (ms)', pct(fa.probeLate, 99), pct(fb.probeLate, 99), 0);
	cmp('lateness of probe start max (ms)', fa.probeLate.at(-1) ?? NaN, fb.probeLate.at(-1) ?? NaN, 0);
	const over = (xs: number[]) => String(xs.filter((x) => x > TARGET.latenessMs).length);
	line('checks / probes started > 1 s late', '-', `${over(fa.late)} / ${over(fa.probeLate)}`, `${over(fb.late)} / ${over(fb.probeLate)}`);
	// The default spread puts an every-minute monitor's start in the slot's first 30 s.
	line('peak planned starts in one second', '-', String(fa.plannedPeak1s), `${fb.plannedPeak1s} (even: ${fmt(b.monitors / 30, 1)})`);
	line('peak probes started in one second', '-', String(fa.peak1s), `${fb.peak1s} (even: ${fmt(b.monitors / 30, 1)})`);
	line('peak probes started in 100 ms', '-', String(fa.peak100ms), `${fb.peak100ms} (even: ${fmt(b.monitors / 300, 1)})`);
	cmp('RSS max (MB)', a.rssMaxMb, b.rssMaxMb, 0);
	cmp('JS heap used max (MB)', a.heapMaxMb, b.heapMaxMb, 0);
	cmp('CPU, whole process (% of one core)', a.cpuPct, b.cpuPct, 2);
	cmp('  of which main thread (%)', a.mainPct, b.mainPct, 2);
	cmp('Postgres backends, approx (%, not counted)', a.pgPct, b.pgPct, 2);
	cmp('listeners child (%, not counted)', a.childPct, b.childPct, 2);
	line(
		'load average 1-min (span start -> end)',
		'-',
		`${fmt(a.load[0], 2)} -> ${fmt(a.load[1], 2)}`,
		`${fmt(b.load[0], 2)} -> ${fmt(b.load[1], 2)}`
	);
	line(
		'logged warnings/errors (warm-up / span)',
		'-',
		`${a.warningsWarmup} / ${a.warningsSpan}`,
		`${b.warningsWarmup} / ${b.warningsSpan}`
	);

	printTable(['', 'reference', `A: 1 x ${o.hosts}`, `B: ${b.monitors} x ${o.hosts}`, 'B - A', 'B / A'], rows);

	const verdict = (ok: boolean, text: string) => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
	const dA = pct(fb.pings, 99) - pct(fa.pings, 99);
	const dRef = pct(fb.pings, 99) - pct(ref, 99);
	const worstLate = Math.max(fb.late.at(-1) ?? NaN, fb.probeLate.at(-1) ?? NaN);
	console.log(`\ntargets (B, ${b.monitors} monitors x ${o.hosts} hosts, ${o.minutes} measured minute(s)):`);
	verdict(
		Math.max(dA, dRef) <= TARGET.p99DiffMs,
		`ping p99 within ${TARGET.p99DiffMs} ms of one monitor alone: ${signed(dA)} ms vs A (n=${fa.pings.length}), ${signed(dRef)} ms vs reference (n=${ref.length})`
	);
	verdict(
		worstLate <= TARGET.latenessMs && fb.late.length > 0,
		`every check started within 1 s of its planned time: max ${fmt(fb.late.at(-1) ?? NaN, 0)} ms (check), ${fmt(fb.probeLate.at(-1) ?? NaN, 0)} ms (probe)`
	);
	verdict(b.rssMaxMb < TARGET.rssMb, `RSS under ${TARGET.rssMb} MB: max ${fmt(b.rssMaxMb, 0)} MB`);
	verdict(b.cpuPct < TARGET.cpuPct, `minute's work under ${TARGET.cpuPct}% of one core: ${fmt(b.cpuPct, 2)}%`);
	verdict(
		a.rows === a.expected && b.rows === b.expected && b.stats.duplicates === 0 && b.stats.writeErrors === 0,
		`every check written once: A ${a.rows}/${a.expected}, B ${b.rows}/${b.expected}`
	);
	console.log(
		`\nload average now: ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')} on ${cpus().length} CPU(s) ` + `(a shared machine: CPU time and latency tails move with its load)`
	);
}
