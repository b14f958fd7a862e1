// Vitest's order for the unit run: the files that mostly wait (real cron
// slots, a receiver away for two minutes, worker processes) start first.
// Without a duration cache (a clean CI clone) Vitest orders files by size, and
// a small file that waits two minutes, started last, would add its whole
// length to the run; started first, its waiting overlaps everything else.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Longest first, as measured (seconds on a loaded 2-core machine). */
const SLOW = [
	'tests/integration/alerts-receiver-away.test.ts', // 145
	'src/lib/server/probe/scheduler.test.ts', // 140
	'tests/integration/alerts-webhook.test.ts', // 120
	'tests/integration/maintenance-window.test.ts', // 70
	'src/lib/server/db/queries/check-blocks.test.ts', // 30
	'tests/integration/alerts-workers.test.ts', // 29
	'tests/integration/db-outage.test.ts', // 29
	'tests/integration/alerts-crash.test.ts', // 25
	'src/lib/server/alerts/storm.test.ts', // 23
	'tests/integration/run-now-flood.test.ts' // 23
];

const rank = (f: TestSpecification) => {
	const i = SLOW.findIndex((s) => f.moduleId.endsWith(s));
	return i === -1 ? SLOW.length : i;
};

export default class SlowFirst extends BaseSequencer {
	async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const base = await super.sort(files);
		// Array.prototype.sort is stable: the rest keep Vitest's own order.
		return [...base].sort((a, b) => rank(a) - rank(b));
	}
}
