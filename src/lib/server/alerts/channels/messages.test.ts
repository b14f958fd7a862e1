import { describe, expect, it } from 'vitest';
import { digestSummary, fitLines, formatTime, humanDuration, viewOf } from './messages';

const monitor = { tag: 'db', name: 'Database' };

describe('alert words', () => {
	it('says durations in the two largest units', () => {
		expect([0, 45, 60, 250, 3600, 3660 + 5, 7500, 86_400, 90_000 + 120].map(humanDuration)).toEqual([
			'0 s',
			'45 s',
			'1 min',
			'4 min 10 s',
			'1 h',
			'1 h 1 min',
			'2 h 5 min',
			'1 d',
			'1 d 1 h'
		]);
	});

	it('shows times in UTC to the second, and anything unparsable as given', () => {
		expect(formatTime('2026-06-01T12:00:05.123Z')).toBe('2026-06-01 12:00:05 UTC');
		expect(formatTime('soon')).toBe('soon');
		expect(formatTime(undefined)).toBe('an unknown time');
	});

	it('words each kind', () => {
		const down = viewOf({ kind: 'down', monitor, status: 'DOWN', at: '2026-06-01T12:01:00Z', since: '2026-06-01T12:00:00Z' });
		expect(down).toMatchObject({ kind: 'down', label: 'DOWN', subject: 'Database (db)' });
		expect(down.text).toBe('Database (db) is DOWN since 2026-06-01 12:00:00 UTC');

		const up = viewOf({ kind: 'recovered', monitor, status: 'UP', at: 'x', since: '2026-06-01T12:04:10Z', durationSeconds: 250 });
		expect(up.text).toBe('Database (db) is UP again, down for 4 min 10 s (recovered 2026-06-01 12:04:10 UTC)');
		expect(viewOf({ kind: 'recovered', monitor, since: 'x' }).text).toBe('Database (db) is UP again (recovered x)');

		const still = viewOf({
			kind: 'reminder',
			monitor,
			status: 'DOWN',
			at: '2026-06-01T12:30:00Z',
			since: '2026-06-01T12:00:00Z',
			reminder: 2
		});
		expect(still).toMatchObject({ label: 'STILL DOWN' });
		expect(still.text).toBe('Database (db) is still DOWN after 30 min (since 2026-06-01 12:00:00 UTC, reminder 2)');

		const test = viewOf({ kind: 'test', at: '2026-06-01T12:00:00Z', channel: { name: 'ops' } });
		expect(test).toMatchObject({ kind: 'test', subject: 'ops' });
		expect(test.text).toBe('Test message from Porthole to channel "ops", sent 2026-06-01 12:00:00 UTC');

		expect(viewOf({ kind: 'down', monitor: { tag: 'db', name: '' }, since: 'x' }).subject).toBe('db');
		expect(viewOf({ kind: 'odd', monitor, status: 'DOWN' })).toMatchObject({ kind: 'unknown', text: 'Database (db): odd (DOWN)' });
	});

	it('sums up a digest by kind in a fixed order', () => {
		const views = [
			...Array.from({ length: 3 }, () => viewOf({ kind: 'recovered', monitor })),
			...Array.from({ length: 28 }, () => viewOf({ kind: 'down', monitor }))
		];
		expect(digestSummary(views)).toBe('31 alerts at once: 28 DOWN, 3 recovered');
	});

	it('fits lines in a budget with "and N more" counted in it', () => {
		const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`); // 6 characters each
		expect(fitLines(lines, 1000)).toEqual({ text: lines.join('\n'), shown: 10 });
		const cut = fitLines(lines, 30);
		expect(cut.text.length).toBeLessThanOrEqual(30);
		expect(cut.text.split('\n')).toEqual(['line 0', 'line 1', '…and 8 more']);
		expect(cut.shown).toBe(2);
		// Exactly fits without a tail: all shown.
		expect(fitLines(lines.slice(0, 2), 13).shown).toBe(2);
	});
});
