// Run-now's limits on their own: hosts and timeout per request, requests at
// once per caller and in total. The flood through the real app is run-now.flood.test.ts.
import { describe, expect, it } from 'vitest';
import {
	RUN_NOW_MAX_HOSTS,
	RUN_NOW_MAX_TIMEOUT_MS,
	RUN_NOW_PER_CALLER,
	RUN_NOW_TOTAL,
	RunNowGate,
	runNowCaller,
	runNowLimitErrors
} from './run-now';
import type { Host } from '../types';

const hosts = (n: number, timeout = 1000): Host[] =>
	Array.from({ length: n }, () => ({ type: 'tcp', host: '127.0.0.1', port: 9, timeout }));

describe('runNowLimitErrors', () => {
	it('allows up to the caps and names the limit past them', () => {
		expect(runNowLimitErrors(hosts(RUN_NOW_MAX_HOSTS, RUN_NOW_MAX_TIMEOUT_MS))).toEqual([]);
		const over = hosts(RUN_NOW_MAX_HOSTS + 1);
		over[3].timeout = RUN_NOW_MAX_TIMEOUT_MS + 1;
		expect(runNowLimitErrors(over)).toEqual([
			{ path: 'type_data.hosts', message: `must be at most 20 hosts (the run-now limit), got 21` },
			{ path: 'type_data.hosts[3].timeout', message: `must be at most 10000 ms (the run-now limit), got 10001` }
		]);
	});
});

describe('RunNowGate', () => {
	it('admits per caller and in total, refuses past either with a Retry-After, and frees on release', () => {
		let now = 1_000_000;
		const gate = new RunNowGate(2, 3, () => now);
		const a1 = gate.enter('a', 10_000);
		now += 1000;
		const a2 = gate.enter('a', 10_000);
		expect([a1.ok, a2.ok]).toEqual([true, true]);
		// per caller: a's first request should end 9 s from now
		const a3 = gate.enter('a', 10_000);
		expect(a3).toEqual({ ok: false, retryAfterS: 9, error: 'too many run-now requests at once: at most 2 per caller; retry in 9 s' });
		const b1 = gate.enter('b', 2500);
		expect(b1.ok).toBe(true);
		// in total: b's, the soonest, should end 2.5 s from now → 3 s
		const c1 = gate.enter('c', 1000);
		expect(c1).toMatchObject({ ok: false, retryAfterS: 3 });
		expect(c1.ok || c1.error).toMatch(/running 3 run-now requests already \(its limit\)/);
		expect(gate.inFlight).toBe(3);
		if (!a1.ok || !b1.ok) throw new Error('admitted above');
		a1.release();
		a1.release(); // twice is harmless
		expect(gate.inFlight).toBe(2);
		expect(gate.enter('c', 1000).ok).toBe(true);
		// overdue requests still count, and Retry-After never drops below 1 s
		now += 60_000;
		expect(gate.enter('a', 1000)).toMatchObject({ ok: false, retryAfterS: 1 });
		b1.release();
		expect(gate.enter('a', 1000).ok).toBe(true); // a's second; 3 of 3 in total
		expect(gate.enter('a', 1000)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 2 per caller/) });
	});

	it('defaults to the documented limits', () => {
		const gate = new RunNowGate();
		expect([gate.perCaller, gate.total]).toEqual([RUN_NOW_PER_CALLER, RUN_NOW_TOTAL]);
	});
});

describe('runNowCaller', () => {
	it('is the admin, else the API key, else the client address', () => {
		const addr = () => '10.0.0.7';
		expect(runNowCaller({ admin: { id: 3 }, apiKey: { id: 9 } }, addr)).toBe('admin:3');
		expect(runNowCaller({ admin: null, apiKey: { id: 9 } }, addr)).toBe('key:9');
		expect(runNowCaller({ admin: null, apiKey: null }, addr)).toBe('address:10.0.0.7');
		expect(
			runNowCaller({}, () => {
				throw new Error('no address');
			})
		).toBe('address:unknown');
	});
});
