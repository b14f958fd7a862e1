import { describe, expect, it } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH, parseJson } from './json';
import { validateMonitor } from './monitors/validate';

describe('parseJson', () => {
	it('counts nesting of arrays and objects, not brackets inside strings', () => {
		expect(jsonDepth('1')).toBe(0);
		expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
		expect(jsonDepth('{"a":"[[[[{{{{\\"[["}')).toBe(1);
	});

	it('refuses a body 200,000 deep with a message, without overflowing the stack', () => {
		const deep = '['.repeat(200_000) + ']'.repeat(200_000);
		expect(parseJson(deep)).toEqual({ ok: false, message: `JSON nested 200000 levels deep; at most ${MAX_JSON_DEPTH} allowed` });
		const obj = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
		expect(parseJson(obj).ok).toBe(false);
	});

	it('parses what is within the limit, and names bad JSON', () => {
		const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
		expect(parseJson(ok).ok).toBe(true);
		expect(parseJson('{"a":')).toMatchObject({ ok: false, message: expect.stringMatching(/^not valid JSON: /) });
	});

	it('leaves the validator values it can describe: a deep value within the limit gets a field error, not a throw', () => {
		const v = parseJson(`{"tag":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`);
		expect(v.ok).toBe(true);
		const r = validateMonitor((v as { value: unknown }).value);
		expect(r.ok).toBe(false);
	});
});
