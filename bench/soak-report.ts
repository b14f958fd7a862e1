// Figures, table and verdicts for bench/soak.ts: pure functions of what the
// run sampled from /proc and read back from the database.
import { cpus, loadavg } from 'node:os';
import { clock, MIN, type ProcSample, type Toggle } from './lib';
import { asc, fmt, pct } from './scale-report';

export const TARGET = { growthPct: 10, latenessP99Ms: 500 };

export interface CheckRow {
	monitorId: number;
	/** The slot (epoch ms). */
	ts: number;
	status: string;
	/** The row's created_at: the write transaction's start, after probe and eval. */
	createdAt: number;
}

export interface ChangeRow {
	monitorId: number;
	ts: number;
	toStatus: string;
}

export interface SoakData {
	monitors: number;
	flapping: Set<number>;
	/** How often the flapping listeners close or reopen. */
	flapMs: number;
	/** First whole minute of the run, end of warm-up, end of the run (epoch ms). */
	w0: number;
	m0: number;
	end: number;
	/** Samples of the worker process, every 5 s on the 5 s grid (t = grid time). */
	samples: { t: number; s: ProcSample }[];
	/** Every check written, ordered by monitor and slot. */
	checks: CheckRow[];
	changes: ChangeRow[];
	toggles: Toggle[];
	/** Planned start offset into the slot of a monitor (the scheduler's spread). */
	offsetMs: (monitorId: number) => number;
	worker: { diedAt: number | null; exitCode: number | null; signal: string | null; warnings: number };
}

const median = (xs: number[]) => pct(asc(xs), 50);
const mb = (kb: number) => kb / 1024;
const growth = (from: number, to: number) => (100 * (to - from)) / from;

/** The worker's samples in (from, to]: the sample on `to` closes the minute. */
function between(d: SoakData, from: number, to: number) {
	return d.samples.filter((x) => x.t > from && x.t <= to).map((x) => x.s);
}

function table(head: string[], rows: string[][]) {
	const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const out = (r: string[]) => console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
	out(head);
	console.log(w.map((n) => '-'.repeat(n)).join('  '));
	rows.forEach(out);
}

function minuteTable(d: SoakData) {
	const rows: string[][] = [];
	const first = d.samples.filter((x) => x.t <= d.w0).at(-1)?.s;
	if (first)
		rows.push([
			`${clock(d.w0)} (start)`,
			'warm-up',
			fmt(mb(first.rssKb), 1),
			'',
			'',
			String(first.fds),
			'',
			String(first.sockets),
			String(first.threads),
			'',
			'',
			''
		]);
	for (let t = d.w0; t < d.end; t += MIN) {
		const ss = between(d, t, t + MIN);
		const last = ss.at(-1);
		if (!last) continue;
		const prev = d.samples.filter((x) => x.t <= t).at(-1)?.s;
		const cpu = prev ? (100 * (last.cpuMs - prev.cpuMs)) / MIN : NaN;
		const fds = ss.map((s) => s.fds);
		const written = d.checks.filter((c) => c.ts === t).length;
		rows.push([
			`${clock(t)}-${clock(t + MIN).slice(3)}`,
			t < d.m0 ? 'warm-up' : 'measured',
			fmt(mb(last.rssKb), 1),
			fmt(mb(median(ss.map((s) => s.rssKb))), 1),
			fmt(mb(Math.max(...ss.map((s) => s.rssKb))), 1),
			String(last.fds),
			`${median(fds)} (${Math.min(...fds)}-${Math.max(...fds)})`,
			String(last.sockets),
			String(last.threads),
			fmt(cpu, 2),
			String(written),
			t < d.m0 ? '' : String(d.monitors)
		]);
	}
	table(
		[
			'minute (UTC)',
			'phase',
			'RSS MB',
			'median',
			'max',
			'fds',
			'median (min-max)',
			'sockets',
			'threads',
			'CPU %',
			'rows of slot',
			'expected'
		],
		rows
	);
}

/** status_changes as the checks imply them: each monitor's first check, then every check whose status differs from the one before. */
function impliedChanges(checks: CheckRow[]): Set<string> {
	const out = new Set<string>();
	let prev: CheckRow | undefined;
	for (const c of checks) {
		if (!prev || prev.monitorId !== c.monitorId || prev.status !== c.status) out.add(`${c.monitorId}@${c.ts}:${c.status}`);
		prev = c;
	}
	return out;
}

/** What a check should have said: UP for steady monitors; for flapping ones, the listeners' state while it probed (null: a change overlapped). */
function expectedStatus(d: SoakData, c: CheckRow): string | null {
	if (!d.flapping.has(c.monitorId)) return 'UP';
	const due = c.ts + d.offsetMs(c.monitorId);
	// The probe ran somewhere in [due, createdAt].
	if (d.toggles.some((t) => t.start <= c.createdAt && t.at >= due)) return null;
	const before = d.toggles.filter((t) => t.at < due).at(-1);
	return before?.open === false ? 'DOWN' : 'UP';
}

export function report(d: SoakData): boolean {
	console.log(
		'\nworker process, sampled from /proc every 5 s (row = the minute; RSS and fds at its end, median and range over its samples):'
	);
	minuteTable(d);

	// Rows per slot in the measured window.
	const window = d.checks.filter((c) => c.ts >= d.m0 && c.ts < d.end);
	const slotRows: string[][] = [];
	let allEqual = true;
	for (let t = d.m0; t < d.end; t += MIN) {
		const rows = window.filter((c) => c.ts === t);
		const ids = new Set(rows.map((c) => c.monitorId));
		const ok = rows.length === d.monitors && ids.size === d.monitors;
		allEqual &&= ok;
		const down = rows.filter((c) => c.status !== 'UP').length;
		slotRows.push([
			clock(t),
			String(d.monitors),
			String(rows.length),
			String(d.monitors - ids.size),
			String(down),
			ok ? 'equal' : 'NOT EQUAL'
		]);
	}
	console.log('\nrows written per slot after warm-up (checks table):');
	table(['slot (UTC)', 'expected', 'rows', 'missing', 'not UP', ''], slotRows);

	// Lateness: created_at minus planned start. An upper bound on start lateness: it includes the probe, the eval and the wait for a connection.
	const late = asc(window.map((c) => c.createdAt - (c.ts + d.offsetMs(c.monitorId))));
	const steady = asc(window.filter((c) => !d.flapping.has(c.monitorId)).map((c) => c.createdAt - (c.ts + d.offsetMs(c.monitorId))));
	console.log(`\nslot lateness (row's created_at - planned start, ${late.length} checks after warm-up):`);
	console.log(
		`  all:     p50 ${fmt(pct(late, 50), 1)} ms   p99 ${fmt(pct(late, 99), 1)} ms   max ${fmt(late.at(-1) ?? NaN, 1)} ms   min ${fmt(late[0] ?? NaN, 1)} ms`
	);
	console.log(`  steady:  p50 ${fmt(pct(steady, 50), 1)} ms   p99 ${fmt(pct(steady, 99), 1)} ms   max ${fmt(steady.at(-1) ?? NaN, 1)} ms`);
	console.log(`  checks > 1 s late: ${late.filter((x) => x > 1000).length}`);

	// Flapping: status_changes against the checks, and the checks against the listeners.
	const implied = impliedChanges(d.checks);
	const stored = new Set(d.changes.map((c) => `${c.monitorId}@${c.ts}:${c.toStatus}`));
	const missingChanges = [...implied].filter((k) => !stored.has(k));
	const extraChanges = [...stored].filter((k) => !implied.has(k));
	const inWindow = d.changes.filter((c) => c.ts >= d.m0 && c.ts < d.end);
	const flappedInWindow = new Set(inWindow.filter((c) => d.flapping.has(c.monitorId)).map((c) => c.monitorId));
	const steadyChanged = new Set(d.changes.filter((c) => !d.flapping.has(c.monitorId) && c.toStatus !== 'UP').map((c) => c.monitorId));
	let judged = 0;
	let ambiguous = 0;
	const wrong: CheckRow[] = [];
	for (const c of d.checks) {
		const want = expectedStatus(d, c);
		if (want === null) ambiguous++;
		else {
			judged++;
			if (want !== c.status) wrong.push(c);
		}
	}
	console.log(
		`\nflapping: ${d.flapping.size} monitors on listeners that close and reopen every ${d.flapMs / 1000} s (${d.toggles.length - 1} changes in the run)`
	);
	console.log(
		`  status_changes rows: ${d.changes.length} (${inWindow.length} after warm-up); implied by the checks: ${implied.size}; missing ${missingChanges.length}, unexplained ${extraChanges.length}`
	);
	console.log(
		`  flapping monitors with a change after warm-up: ${flappedInWindow.size} / ${d.flapping.size}; steady monitors ever not UP: ${steadyChanged.size}`
	);
	console.log(
		`  check statuses vs the listeners' state: ${judged} judged, ${wrong.length} wrong, ${ambiguous} left out (a change overlapped the probe)`
	);
	for (const c of wrong.slice(0, 5)) console.log(`    wrong: monitor ${c.monitorId} slot ${clock(c.ts)} said ${c.status}`);
	for (const k of [...missingChanges, ...extraChanges].slice(0, 5)) console.log(`    change mismatch: ${k}`);

	// Growth after warm-up: the median of the warm-up's last minute against the median of the last minute.
	const base = between(d, d.m0 - MIN, d.m0);
	const last = between(d, d.end - MIN, d.end);
	const rssG = growth(median(base.map((s) => s.rssKb)), median(last.map((s) => s.rssKb)));
	const fdG = growth(median(base.map((s) => s.fds)), median(last.map((s) => s.fds)));
	const hwm = Math.max(...d.samples.map((x) => x.s.hwmKb));
	console.log(`\ngrowth after warm-up (median of minute ${clock(d.m0 - MIN)} -> median of minute ${clock(d.end - MIN)}):`);
	console.log(
		`  RSS ${fmt(mb(median(base.map((s) => s.rssKb))), 1)} -> ${fmt(mb(median(last.map((s) => s.rssKb))), 1)} MB (${fmt(rssG, 1)}%), peak RSS (VmHWM) ${fmt(mb(hwm), 1)} MB`
	);
	console.log(`  fds ${median(base.map((s) => s.fds))} -> ${median(last.map((s) => s.fds))} (${fmt(fdG, 1)}%)`);

	const verdicts: [boolean, string][] = [
		[
			allEqual && window.length === d.monitors * ((d.end - d.m0) / MIN),
			`rows written = expected in every slot after warm-up: ${window.length} / ${d.monitors * ((d.end - d.m0) / MIN)}`
		],
		[
			pct(late, 99) < TARGET.latenessP99Ms,
			`slot lateness p99 under ${TARGET.latenessP99Ms} ms: ${fmt(pct(late, 99), 1)} ms (max ${fmt(late.at(-1) ?? NaN, 1)} ms)`
		],
		[rssG < TARGET.growthPct, `RSS growth after warm-up under ${TARGET.growthPct}%: ${fmt(rssG, 1)}%`],
		[fdG < TARGET.growthPct, `open fd growth after warm-up under ${TARGET.growthPct}%: ${fmt(fdG, 1)}%`],
		[
			missingChanges.length === 0 &&
				extraChanges.length === 0 &&
				flappedInWindow.size === d.flapping.size &&
				steadyChanged.size === 0 &&
				wrong.length === 0 &&
				judged > 0,
			`flapping recorded: status_changes match the checks (${missingChanges.length} missing, ${extraChanges.length} unexplained), ${flappedInWindow.size}/${d.flapping.size} flapping monitors changed after warm-up, ${wrong.length} wrong statuses`
		],
		[
			d.worker.diedAt === null && d.worker.exitCode === 0 && d.worker.warnings === 0,
			`worker ran throughout and stopped cleanly: ${d.worker.diedAt === null ? 'alive until stopped' : `died at ${clock(d.worker.diedAt)}`}, exit ${d.worker.exitCode ?? d.worker.signal}, ${d.worker.warnings} warnings/errors logged`
		]
	];
	console.log(`\ntargets (${d.monitors} monitors, ${(d.end - d.m0) / MIN} measured minute(s) after ${(d.m0 - d.w0) / MIN} of warm-up):`);
	for (const [ok, text] of verdicts) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
	console.log(
		`\nload average now: ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')} on ${cpus().length} CPU(s) (a shared machine: lateness tails move with its load)`
	);
	return verdicts.every(([ok]) => ok);
}
