// In-process probe-loop helpers shared by bench/scale.ts and bench/hostile.ts:
// a probe wrapper that notes when each probe started, what a bench keeps of
// a check event, and the loop's warnings counted and timed.
import { ProbeWorker } from '../src/lib/server/probe/pool';
import { createLogger, type Logger } from '../src/lib/server/log';
import type { CheckEvent } from '../src/lib/server/probe/scheduler';
import type { Slim } from './scale-report';
import type { Host, Ping } from '../src/lib/server/types';

/** The bench's probe worker: one per process, as the app holds one. */
export const probeWorker = new ProbeWorker();

// The scheduler's startedAt is taken before its slot claim (a database round
// trip); the probe itself starts after it. This wrapper notes when probe() was
// called, keyed by the pings array it returns (runCheck hands that very array
// to onCheck), so lateness can be measured to the probe's start as well.
const probeCalledAt = new WeakMap<object, number>();
export const timedProbe = async (hosts: Host[]): Promise<Ping[]> => {
	const t = Date.now();
	const pings = await probeWorker.probe(hosts);
	probeCalledAt.set(pings, t);
	return pings;
};

/** What a bench keeps of one CheckEvent. */
export const slim = (e: CheckEvent): Slim => ({
	monitorId: e.monitorId,
	slot: e.slot.getTime(),
	due: e.due,
	startedAt: e.startedAt,
	probeAt: probeCalledAt.get(e.outcome.pings) ?? e.startedAt,
	finishedAt: e.finishedAt,
	latencies: e.outcome.pings.filter((p) => p.status === 'open').map((p) => p.latency),
	notOpen: e.outcome.pings.filter((p) => p.status !== 'open').length,
	checkLatency: e.outcome.result.latency,
	status: e.outcome.result.status,
	probeMs: e.outcome.probeMs,
	evalMs: e.outcome.evalMs,
	written: e.written,
	buffered: e.buffered
});

/** A logger that prints the first `printed` warnings/errors and notes when every one came. */
export function countingLogger(scope: string, printed = 10): Logger & { times: number[] } {
	const base = createLogger('warn', scope);
	const times: number[] = [];
	const noted = (f: Logger['warn']) => (m: string, x?: Record<string, unknown>) => {
		if (times.push(Date.now()) <= printed) f(m, x);
	};
	return { times, debug() {}, info() {}, warn: noted(base.warn), error: noted(base.error) };
}
