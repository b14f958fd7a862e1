import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketStarts, locationLines } from './location-latency';
import { rangeBuckets } from './latency';

describe('latency per location', () => {
	const now = new Date('2030-03-10T12:07:00Z');
	it('buckets are the monitor series’ buckets: 288 five-minute ones for 24 h, the zone’s midnights for 90 d', () => {
		const starts = bucketStarts('24h', 'UTC', now);
		expect(starts).toHaveLength(288);
		expect(starts[0]).toBe(rangeBuckets('24h', 'UTC', now).from);
		expect(starts[287]).toBe(Date.parse('2030-03-10T12:05:00Z'));
		const days = bucketStarts('90d', 'Europe/Berlin', now);
		expect(days).toHaveLength(90);
		expect(days[89]).toBe(Date.parse('2030-03-09T23:00:00Z'));
	});
	it('finds the bucket holding a moment, -1 before the first', () => {
		const starts = [0, 10, 25];
		expect([-1, 0, 9, 10, 24, 25, 99].map((t) => bucketIndex(starts, t === -1 ? -5 : t))).toEqual([-1, 0, 0, 1, 1, 2, 2]);
	});
	it('one line per location, sorted, with the mean of its samples per bucket and null where it had no open ping', () => {
		const starts = [0, 100, 200];
		const lines = locationLines(
			[
				{ t: 5, location: 'us-1', sum: 10, count: 1 },
				{ t: 50, location: 'us-1', sum: 20, count: 1 },
				{ t: 120, location: 'us-1', sum: 0, count: 0 },
				{ t: 130, location: 'eu-1', sum: 90, count: 3 },
				{ t: -1, location: 'old', sum: 1, count: 1 },
				{ t: 999, location: 'future', sum: 1, count: 1 }
			],
			starts,
			300
		);
		expect(lines).toEqual([
			{ location: 'eu-1', avg: [null, 30, null] },
			{ location: 'us-1', avg: [15, null, null] }
		]);
		expect(locationLines([], starts, 300)).toEqual([]);
	});
});
