// The one formula that turns a check into rollup increments. Live checks and
// the demo seeder both go through it, so bars and charts can't disagree with
// the raw data.
import type { MonitorStatus } from '../../types';

export interface RollupDelta {
	up: number;
	degraded: number;
	down: number;
	maintenance: number;
	latencySum: number;
	latencyCount: number;
	latencyMin: number | null;
	latencyMax: number | null;
}

/** Latency counts only for UP and DEGRADED: a DOWN or MAINTENANCE check's latency describes no working service. */
export function rollupDelta(status: MonitorStatus, latency: number): RollupDelta {
	const measured = (status === 'UP' || status === 'DEGRADED') && Number.isFinite(latency);
	return {
		up: status === 'UP' ? 1 : 0,
		degraded: status === 'DEGRADED' ? 1 : 0,
		down: status === 'DOWN' ? 1 : 0,
		maintenance: status === 'MAINTENANCE' ? 1 : 0,
		latencySum: measured ? latency : 0,
		latencyCount: measured ? 1 : 0,
		latencyMin: measured ? latency : null,
		latencyMax: measured ? latency : null
	};
}

/** Adds b into a (for bulk seeding: many checks, one row per bucket). */
export function mergeDelta(a: RollupDelta, b: RollupDelta): RollupDelta {
	return {
		up: a.up + b.up,
		degraded: a.degraded + b.degraded,
		down: a.down + b.down,
		maintenance: a.maintenance + b.maintenance,
		latencySum: a.latencySum + b.latencySum,
		latencyCount: a.latencyCount + b.latencyCount,
		latencyMin: minNullable(a.latencyMin, b.latencyMin),
		latencyMax: maxNullable(a.latencyMax, b.latencyMax)
	};
}

const minNullable = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxNullable = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Uptime % = (UP + DEGRADED) / (UP + DEGRADED + DOWN); null when nothing counted (no data is not 100 %). */
export function uptimeRatio(c: { up: number; degraded: number; down: number }): number | null {
	const total = c.up + c.degraded + c.down;
	return total === 0 ? null : (c.up + c.degraded) / total;
}
