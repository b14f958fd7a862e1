// The quarantine policy with real worker threads and real hostile code.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EvalLanes } from './lanes';
import { EvalPool } from './pool';
import type { EvalResult, Ping } from '../types';

function ping(status: Ping['status'], latency: number): Ping {
	return { status, latency, host: 'h', port: 6379, type: 'tcp' };
}
const OPEN = [ping('open', 7)];
/** Unique hostile sources (a comment makes each one different code). */
const LOOP = (n = 0) => `(function () { while (true) {} }) // ${n}`;
const STALL = (n = 0) => `(function () { Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1) }) // ${n}`;
const BOMB = (n = 0) => `(function () { let a = []; while (true) a.push(new Array(1e6).fill(1)) }) // ${n}`;
const SPIN = (n = 0) => `(async function () { for (;;) await null }) // ${n}`;
const HEALTHY = ';(async function (p) { return { status: "UP", latency: p[0].latency } })';
/** Loops only when its first host is down: hostile on some inputs, clean on others. */
const MOODY = '(function (p) { if (p[0].status !== "open") while (true) {} return { status: "UP", latency: p[0].latency } })';

const TIMEOUT = 400;
const SHORT = 50;
/**
 * A full limit for runs whose outcome is not the time limit (an answer, or out of memory) and must stay so
 * however loaded the machine is: the quarantine lane's limit is wall time at a low CPU priority, and under
 * load 400 ms of it can pass before its thread gets a core (the slow, forgiven and memory-bomb cases).
 */
const ROOMY = 20_000;
/** The full limit in quarantine: the sandbox's own interrupt, or (on a very busy machine) the watchdog. */
const TIMED_OUT = new RegExp(`^eval timed out after ${TIMEOUT} ms( \\(sandbox terminated\\))?$`);
let lanes: EvalLanes;

beforeEach(() => {
	lanes = new EvalLanes({ workers: 2, timeoutMs: TIMEOUT, graceMs: 150, suspectAfterMs: SHORT, quarantineWorkers: 1, forgiveAfter: 3 });
});
afterEach(() => lanes.stop());

const refused = (r: EvalResult) => r.status === 'DOWN' && !!r.error?.startsWith('eval quarantined: ');

describe('EvalLanes', () => {
	it('new code runs on probation, code with a clean run in the main lane, each with its own answer', async () => {
		expect(await lanes.evaluate(null, [ping('open', 4)], { key: 'a' })).toMatchObject({ status: 'UP', latency: 4 });
		expect(await lanes.evaluate(HEALTHY, OPEN, { key: 'b' })).toMatchObject({ status: 'UP', latency: 7 });
		// The function's own failures are answers, not faults: no quarantine.
		expect((await lanes.evaluate('(function () { return new Promise(() => {}) })', OPEN, { key: 'c' })).error).toBe(
			"eval's promise never settled"
		);
		expect((await lanes.evaluate('(function () { null.x })', OPEN, { key: 'd' })).error).toMatch(/^eval threw: TypeError/);
		expect([lanes.probation.accepted, lanes.main.accepted]).toEqual([4, 0]);
		expect(await lanes.evaluate(HEALTHY, [ping('open', 9)], { key: 'b' })).toMatchObject({ status: 'UP', latency: 9 });
		expect(await lanes.evaluate(null, [ping('open', 5)], { key: 'a' })).toMatchObject({ status: 'UP', latency: 5 });
		expect([lanes.probation.accepted, lanes.main.accepted]).toEqual([4, 2]);
		expect(lanes.quarantine.accepted).toBe(0);
		expect(lanes.suspects).toBe(0);
	});

	it('an overrun of the short limit is re-run in quarantine with the full limit, and stays there', async () => {
		const r = await lanes.evaluate(LOOP(), OPEN, { key: 'm1' });
		expect(r).toMatchObject({ status: 'DOWN', error: expect.stringMatching(TIMED_OUT), fault: 'time' });
		expect(lanes.isSuspect(LOOP(), 'm1')).toBe(true);
		expect(lanes.stats).toMatchObject({ suspected: 1, retried: 1 });
		expect(lanes.probation.accepted).toBe(1);
		expect(lanes.quarantine.accepted).toBe(1);
		// Another monitor running other code is not affected.
		expect(await lanes.evaluate(HEALTHY, OPEN, { key: 'm2' })).toMatchObject({ status: 'UP' });
		expect(lanes.probation.accepted).toBe(2);
		// The suspect's next check runs in quarantine only.
		expect((await lanes.evaluate(LOOP(), OPEN, { key: 'm1' })).error).toMatch(TIMED_OUT);
		expect([lanes.main.accepted, lanes.probation.accepted, lanes.quarantine.accepted]).toEqual([0, 2, 2]);
	});

	it('a slow but honest function still gets its own answer, from quarantine', { timeout: 120_000 }, async () => {
		// About 200 ms of CPU: over the short limit (CPU time). The quarantine lane's limit is wall time and
		// its worker runs at a low priority (nice 10): on a loaded machine (two busy loops at nice 0 on two
		// cores) it gets a few percent of a core, and 200 ms of CPU took over 3 s of wall time there. A
		// 20 s limit is what the policy is about (over the short limit, far within the full one) with room
		// for that; an idle machine answers in about 200 ms all the same.
		const slow = '(function () { let x = 0; for (let i = 0; i < 4e6; i++) x += i; return { status: "UP", latency: 3 } })';
		const l = new EvalLanes({ timeoutMs: ROOMY, suspectAfterMs: SHORT, forgiveAfter: 3 });
		try {
			for (let i = 0; i < 4; i++) expect(await l.evaluate(slow, OPEN, { key: 's' })).toMatchObject({ status: 'UP', latency: 3 });
			// Clean but never within the short limit: not forgiven, never out of quarantine.
			expect(l.isSuspect(slow, 's')).toBe(true);
			expect([l.main.accepted, l.probation.accepted, l.quarantine.accepted]).toEqual([0, 1, 4]);
		} finally {
			await l.stop();
		}
	});

	it('an overrun that is fast when run again is a false alarm: the function is not quarantined', async () => {
		// Main and probation lanes on a very busy machine: every evaluation of code marked "busy" overruns.
		const dir = mkdtempSync(join(tmpdir(), 'porthole-lanes-'));
		const busy = join(dir, 'busy.mjs');
		writeFileSync(
			busy,
			`import { parentPort } from 'node:worker_threads';
			parentPort.postMessage({ type: 'ready' });
			parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, result: m.source.includes('busy')
				? { status: 'DOWN', latency: 0, error: 'eval timed out after ' + m.timeoutMs + ' ms', fault: 'time', durationMs: m.timeoutMs }
				: { status: 'UP', latency: 1, durationMs: 1 } }));`
		);
		const fake = () => new EvalPool({ url: pathToFileURL(busy) });
		const l = new EvalLanes({ timeoutMs: TIMEOUT, suspectAfterMs: SHORT }, { main: fake(), probation: fake() });
		try {
			const src = `${HEALTHY} // busy`;
			// The real quarantine worker runs it fast: its own answer, no quarantine.
			expect(await l.evaluate(src, OPEN, { key: 'k' })).toMatchObject({ status: 'UP', latency: 7 });
			expect(l.stats).toMatchObject({ retried: 1, falseAlarms: 1, suspected: 0 });
			expect(l.isSuspect(src, 'k')).toBe(false);
			// A clean record now: tried in the main lane first, then again in quarantine (first there).
			expect(await l.evaluate(src, OPEN, { key: 'k' })).toMatchObject({ status: 'UP', latency: 7 });
			expect([l.probation.accepted, l.main.accepted, l.quarantine.accepted]).toEqual([1, 1, 2]);
			expect(l.stats).toMatchObject({ retried: 2, falseAlarms: 2, suspected: 0 });
			// Hostile code overruns in quarantine too: a suspect.
			expect((await l.evaluate(`${LOOP()} // busy`, OPEN, { key: 'h' })).error).toMatch(TIMED_OUT);
			expect(l.isSuspect(`${LOOP()} // busy`, 'h')).toBe(true);
		} finally {
			await l.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('a builtin that ignores the interrupt handler costs probation one short watchdog, then is terminated in quarantine', async () => {
		const r = await lanes.evaluate(STALL(), OPEN, { key: 'st' });
		expect(r).toMatchObject({ status: 'DOWN', error: `eval timed out after ${TIMEOUT} ms (sandbox terminated)`, fault: 'time' });
		expect(lanes.probation.terminations).toBe(1);
		expect(lanes.quarantine.terminations).toBe(1);
		expect(await lanes.evaluate(null, OPEN, { key: 'ok' })).toMatchObject({ status: 'UP' });
	});

	it('the main lane never receives untried or suspect code: a healthy eval behind 20 hostile ones finishes first', async () => {
		const kinds = [LOOP, STALL, BOMB, SPIN];
		const hostile = Array.from({ length: 20 }, (_, i) => ({ key: `h${i}`, source: kinds[i % 4](i) }));
		expect(await lanes.evaluate(HEALTHY, OPEN, { key: 'good' })).toMatchObject({ status: 'UP' }); // a clean record
		// First offences: on probation, each costs it at most the short limit (plus the watchdog's grace).
		const first = await Promise.all(hostile.map((h) => lanes.evaluate(h.source, OPEN, { key: h.key })));
		for (const r of first) expect(r.status).toBe('DOWN');
		for (const h of hostile) expect(lanes.isSuspect(h.source, h.key)).toBe(true);
		expect(lanes.suspects).toBe(20);
		expect(lanes.main.accepted).toBe(0);

		const probationBefore = lanes.probation.accepted;
		const done: string[] = [];
		const track = (name: string, p: Promise<EvalResult>) => p.then((r) => (done.push(name), r));
		const again = hostile.map((h) => track(h.key, lanes.evaluate(h.source, OPEN, { key: h.key })));
		const healthy = track('healthy', lanes.evaluate(HEALTHY, [ping('open', 11)], { key: 'good' }));
		const results = await Promise.all(again);
		expect(await healthy).toMatchObject({ status: 'UP', latency: 11 });
		// Structural: of the 21 evaluations only the healthy one went to the main lane, none to probation.
		expect(lanes.main.accepted).toBe(1);
		expect(lanes.probation.accepted).toBe(probationBefore);
		// Every hostile call got exactly one answer: a limit it hit, or an immediate quarantine answer.
		for (const r of results) {
			expect(r.status).toBe('DOWN');
			expect(r.error).toMatch(/^(eval quarantined: |eval timed out after|eval ran out of memory)/);
		}
		const ran = hostile.filter((_, i) => !refused(results[i])).map((h) => h.key);
		expect(ran.length).toBeGreaterThan(0);
		// The lane's bound: one running, and a queue of one (two for suspects whose last run was clean).
		expect(ran.length).toBeLessThanOrEqual(lanes.config.quarantineWorkers + 2 * lanes.config.quarantineQueue);
		// The healthy one did not wait for any hostile evaluation that actually ran.
		for (const k of ran) expect(done.indexOf('healthy')).toBeLessThan(done.indexOf(k));
	});

	it('answers a suspect at once while its previous evaluation runs, or when the lane is full', async () => {
		const keys = ['q1', 'q2', 'q3'];
		for (const k of keys) await lanes.evaluate(BOMB(1), OPEN, { key: k, memoryMb: 8, timeoutMs: ROOMY }); // quick faults: suspects
		const before = lanes.probation.accepted;
		const running = lanes.evaluate(LOOP(1), OPEN, { key: 'q1' }); // new code under q1: a fresh record, on probation
		expect(lanes.probation.accepted).toBe(before + 1);
		await running; // now q1 is a suspect for LOOP(1) too
		const a = lanes.evaluate(LOOP(1), OPEN, { key: 'q1' }); // runs
		const b = lanes.evaluate(BOMB(1), OPEN, { key: 'q2', memoryMb: 8, timeoutMs: ROOMY }); // waits (queue of 1)
		const c = await lanes.evaluate(BOMB(1), OPEN, { key: 'q3', memoryMb: 8, timeoutMs: ROOMY }); // lane full
		const d = await lanes.evaluate(LOOP(1), OPEN, { key: 'q1' }); // its previous one is running
		expect(c).toMatchObject({ status: 'DOWN', latency: 0, durationMs: 0 });
		expect(c.error).toMatch(/^eval quarantined: the quarantine lane is full \(last fault: eval ran out of memory \(limit 8 MB\)\)$/);
		expect(d.error).toMatch(/^eval quarantined: its previous evaluation is still running \(last fault: eval timed out after/);
		expect((await a).error).toMatch(TIMED_OUT);
		expect((await b).error).toBe('eval ran out of memory (limit 8 MB)');
		expect(lanes.probation.accepted).toBe(before + 1);
		expect(lanes.main.accepted).toBe(0);
	});

	it('a repeat offender backs off: it runs at checks 1, 2, 4, 8 and is answered at once in between', async () => {
		const pattern: string[] = [];
		for (let i = 0; i < 9; i++) {
			const r = await lanes.evaluate(BOMB(2), OPEN, { key: 'rep', memoryMb: 8, timeoutMs: ROOMY });
			pattern.push(refused(r) ? '-' : 'R');
			if (refused(r) && i === 2)
				expect(r.error).toMatch(
					/^eval quarantined: 2 checks in a row hit a limit \(last: eval ran out of memory \(limit 8 MB\)\); it runs once every 2 checks until one is clean$/
				);
		}
		expect(pattern.join('')).toBe('RR-R---R-');
		expect([lanes.main.accepted, lanes.probation.accepted, lanes.quarantine.accepted]).toEqual([0, 1, 3]);
	});

	it('is forgiven after consecutive clean, fast runs, or when the code changes', async () => {
		expect((await lanes.evaluate(MOODY, [ping('error', 0)], { key: 'f' })).fault).toBe('time');
		expect(lanes.isSuspect(MOODY, 'f')).toBe(true);
		// A suspect runs in the quarantine lane, at a low priority with a wall-time limit: on a loaded machine
		// 400 ms of wall time can pass before its thread gets a core at all. What is judged here is that clean,
		// fast runs (CPU time) forgive it, so these runs get a wall limit no load reaches.
		for (let i = 0; i < 3; i++)
			expect(await lanes.evaluate(MOODY, [ping('open', i)], { key: 'f', timeoutMs: ROOMY })).toMatchObject({ status: 'UP', latency: i });
		expect(lanes.quarantine.accepted).toBe(4); // the retry and three clean runs
		expect(lanes.isSuspect(MOODY, 'f')).toBe(false);
		expect(lanes.stats.forgiven).toBe(1);
		const main = lanes.main.accepted;
		expect(await lanes.evaluate(MOODY, OPEN, { key: 'f' })).toMatchObject({ status: 'UP' });
		expect(lanes.main.accepted).toBe(main + 1);

		// New code under the same key starts afresh (on probation), whatever the old code did.
		await lanes.evaluate(LOOP(3), OPEN, { key: 'g' });
		expect(lanes.isSuspect(LOOP(3), 'g')).toBe(true);
		const probation = lanes.probation.accepted;
		expect(await lanes.evaluate(HEALTHY, OPEN, { key: 'g' })).toMatchObject({ status: 'UP' });
		expect(lanes.probation.accepted).toBe(probation + 1);
		expect(lanes.isSuspect(LOOP(3), 'g')).toBe(false);
	});

	it('a deadline that leaves no time: answered without running, and nothing is learnt', async () => {
		const r = await lanes.evaluate(LOOP(5), OPEN, { key: 'dl', deadline: Date.now() + 10 });
		expect(r).toMatchObject({ status: 'DOWN', notRun: true });
		expect(r.error).toMatch(/^eval could not start in time for the next check \(probation lane/);
		expect(lanes.isSuspect(LOOP(5), 'dl')).toBe(false);
		expect(lanes.stats.suspected).toBe(0);
		// Time enough: it runs, and is judged, as usual.
		const r2 = await lanes.evaluate(LOOP(5), OPEN, { key: 'dl', deadline: Date.now() + 10_000 });
		expect(r2).toMatchObject({ error: expect.stringMatching(TIMED_OUT), fault: 'time' });
		expect(lanes.isSuspect(LOOP(5), 'dl')).toBe(true);
	});

	it('without a key, identical code shares one record', async () => {
		await lanes.evaluate(SPIN(4), OPEN);
		expect(lanes.isSuspect(SPIN(4))).toBe(true);
		expect(lanes.isSuspect(SPIN(4), 'some-monitor')).toBe(false);
		const probation = lanes.probation.accepted;
		await lanes.evaluate(SPIN(4), OPEN);
		expect(lanes.probation.accepted).toBe(probation);
	});
});
