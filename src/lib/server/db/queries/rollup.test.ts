import { describe, expect, it } from 'vitest';
import { mergeDelta, rollupDelta, uptimeRatio } from './rollup';

describe('rollupDelta', () => {
	it('counts the status and measures latency only for UP and DEGRADED', () => {
		expect(rollupDelta('UP', 12.5)).toMatchObject({ up: 1, down: 0, latencySum: 12.5, latencyCount: 1, latencyMin: 12.5 });
		expect(rollupDelta('DEGRADED', 80)).toMatchObject({ degraded: 1, latencyCount: 1, latencyMax: 80 });
		expect(rollupDelta('DOWN', 999)).toMatchObject({ down: 1, latencySum: 0, latencyCount: 0, latencyMin: null });
		expect(rollupDelta('MAINTENANCE', 5)).toMatchObject({ maintenance: 1, latencyCount: 0 });
	});
	it('merges like the SQL upsert does (sums, least, greatest, nulls ignored)', () => {
		const m = [rollupDelta('UP', 10), rollupDelta('DOWN', 0), rollupDelta('UP', 4), rollupDelta('DEGRADED', 30)].reduce(mergeDelta);
		expect(m).toEqual({
			up: 2,
			degraded: 1,
			down: 1,
			maintenance: 0,
			latencySum: 44,
			latencyCount: 3,
			latencyMin: 4,
			latencyMax: 30
		});
	});
});

describe('uptimeRatio', () => {
	it('is (UP+DEGRADED)/(UP+DEGRADED+DOWN), ignoring maintenance', () => {
		expect(uptimeRatio({ up: 97, degraded: 1, down: 2 })).toBeCloseTo(0.98, 10);
	});
	it('is null (no data), never 100 %, when nothing counted', () => {
		expect(uptimeRatio({ up: 0, degraded: 0, down: 0 })).toBeNull();
	});
});
