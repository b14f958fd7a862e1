// nativeDefaultEval (default.ts) must give exactly the sandbox's answer for
// the spec's default function, or no answer (then the sandbox runs): checked
// here against runEval on the same inputs, edge cases and random ones.
import { describe, it, expect } from 'vitest';
import { nativeDefaultEval } from './default';
import { loadEvalModule, run } from './run.fixtures';

loadEvalModule();

const p = (status: unknown, latency: unknown, extra: Record<string, unknown> = {}) => ({
	status,
	latency,
	host: 'h',
	port: 1,
	type: 'tcp',
	...extra
});

/** The sandbox's answer without its timing. */
function sandbox(pings: unknown) {
	const { durationMs, ...rest } = run(null, pings);
	expect(durationMs).toBeGreaterThanOrEqual(0);
	return rest;
}

function agree(pings: unknown): boolean {
	const want = sandbox(pings);
	const got = nativeDefaultEval(pings);
	if (got === null) {
		// Declined: the caller runs the sandbox. Only for answers the sandbox did not accept as is.
		expect(want.error).toBeDefined();
		return false;
	}
	const { durationMs, ...rest } = got;
	expect(durationMs).toBeGreaterThanOrEqual(0);
	expect(rest).toEqual(want);
	expect(Object.is(rest.latency, want.latency)).toBe(true);
	return true;
}

describe('nativeDefaultEval', () => {
	it('answers the usual cases exactly as the sandbox does', () => {
		const cases: unknown[] = [
			[p('open', 10)],
			[p('open', 8), p('open', 12)],
			[p('open', 8), p('timeout', 5000)],
			[p('error', 0, { error: 'ECONNREFUSED: x' })],
			[p('open', 0.1), p('open', 0.2), p('open', 0.3)],
			[p('open', 0), p('open', -0)],
			[p('open', 3_600_000)],
			[p('open', 1e-300), p('open', 5e-324)],
			[p('OPEN', 1)],
			[p('open', 1), p('closed', 2)],
			[p('open', 1, { address: '127.0.0.1', dnsLatency: 3 })],
			Array.from({ length: 50 }, (_, i) => p(i % 7 ? 'open' : 'timeout', i * 1.37)),
			// JSON turns NaN and Infinity into null, and 0 + null is 0: finite, accepted.
			[p('open', NaN), p('open', 4)],
			[p('open', Infinity), p('open', 4)],
			// Numbers as text add up as text, then divide as a number: the same in both.
			[p('open', '5')],
			[p('open', [5])]
		];
		for (const c of cases) expect(agree(c)).toBe(true);
	});

	it('declines what only the sandbox can word, and the sandbox then says why', () => {
		const cases: unknown[] = [
			[],
			[p('open', 3_600_001)],
			[p('open', -1)],
			[p('open', 1e308), p('open', 1e308)],
			[p('open', 'x')],
			[p('open', undefined)],
			[null],
			[p('open', {})],
			[p('open', { valueOf: 1, toString: 2 })],
			'not an array',
			{ length: 1, 0: p('open', 1) },
			null
		];
		for (const c of cases) expect(agree(c)).toBe(false);
	});

	it('agrees on random pings', () => {
		let seed = 11;
		const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const statuses = ['open', 'timeout', 'error'];
		let answered = 0;
		for (let i = 0; i < 300; i++) {
			const n = 1 + Math.floor(rnd() * 6);
			const pings = Array.from({ length: n }, () =>
				p(rnd() < 0.8 ? 'open' : statuses[Math.floor(rnd() * 3)], rnd() < 0.5 ? rnd() * 2000 : Math.floor(rnd() * 200_000) / 1000)
			);
			if (agree(pings)) answered++;
		}
		expect(answered).toBe(300);
	});
});
