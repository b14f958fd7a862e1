import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('EVAL_QUARANTINE_AFTER_MS and EVAL_QUARANTINE_WORKERS', () => {
	it('default to 100 ms and 1 worker', () => {
		expect(loadConfig({})).toMatchObject({ evalQuarantineAfterMs: 100, evalQuarantineWorkers: 1 });
		expect(loadConfig({ EVAL_QUARANTINE_AFTER_MS: '250', EVAL_QUARANTINE_WORKERS: '2' })).toMatchObject({
			evalQuarantineAfterMs: 250,
			evalQuarantineWorkers: 2
		});
	});

	it('refuse values out of range with a message naming them', () => {
		expect(() => loadConfig({ EVAL_QUARANTINE_AFTER_MS: '5' })).toThrow(/EVAL_QUARANTINE_AFTER_MS must be an integer 10-60000/);
		expect(() => loadConfig({ EVAL_QUARANTINE_WORKERS: '0' })).toThrow(/EVAL_QUARANTINE_WORKERS must be an integer 1-16/);
	});
});
