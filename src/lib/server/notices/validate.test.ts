import { describe, expect, it } from 'vitest';
import { globMatch, validateMaintenance, type MonitorLookup } from './validate';

const lookup: MonitorLookup = new Map(
	['db-main', 'db-replica', 'web', 'secret-hidden-tag-abc', 'a.b', 'a+b'].map((tag, i) => [tag, { id: i + 1, name: tag }])
);

describe('globMatch', () => {
	it('matches * as any run of characters and everything else literally', () => {
		const cases: [string, string, boolean][] = [
			['db-*', 'db-main', true],
			['db-*', 'db-', true],
			['db-*', 'web', false],
			['*', '', true],
			['*', 'anything', true],
			['*-*', 'db-main', true],
			['*main', 'db-main', true],
			['*main', 'db-mains', false],
			['d*n', 'db-main', true],
			['a.b', 'a.b', true],
			['a.b', 'axb', false],
			['a+b', 'a+b', true],
			['a+b', 'aab', false],
			['(a+)+$', '(a+)+$', true],
			['*a*a*b', 'aaab', true],
			['*a*a*b', 'aaa', false],
			['', '', true],
			['', 'x', false]
		];
		for (const [p, t, want] of cases) expect(globMatch(p, t), `${p} ~ ${t}`).toBe(want);
	});

	// Each was a RegExp of ".*" parts before: "*" × 18 then "zz" backtracked for 17 s per tag.
	it('answers at once for patterns built to backtrack', { timeout: 2000 }, () => {
		const started = performance.now();
		expect(globMatch('*'.repeat(199) + 'x', 'secret-hidden-tag-abc')).toBe(false);
		expect(globMatch('*a'.repeat(99) + '*b', 'a'.repeat(200))).toBe(false);
		expect(performance.now() - started).toBeLessThan(500);
	});
});

describe('validateMaintenance tag patterns', () => {
	const window = { durationMinutes: 20 };
	it('resolves a pattern to the monitors it matches, and refuses one that matches none', { timeout: 2000 }, () => {
		const ok = validateMaintenance({ title: 'x', monitors: ['db-*'], window }, lookup, new Date());
		expect(ok.ok && ok.value.monitorIds).toEqual([1, 2]);
		// 12 stars took seconds as a RegExp (each more star about doubles it); here it is as quick as one.
		const started = performance.now();
		const stars = validateMaintenance({ title: 'x', monitors: ['*'.repeat(12) + 'zz'], window }, lookup, new Date());
		expect(stars).toMatchObject({ ok: false, errors: [{ path: 'monitors[0]', message: `"${'*'.repeat(12)}zz" matches no monitor` }] });
		expect(performance.now() - started).toBeLessThan(500);
	});
});
