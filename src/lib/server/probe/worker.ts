// Probe worker thread entry.
//
// Started by pool.ts through the package export "porthole/probe-worker", which
// points at this file compiled and bundled by scripts/build-workers.js
// (build/workers/probe-worker.js). Bundled, it runs as bare Node: it may import
// Node built-ins, sibling modules and types, never `$lib` aliases.
//
// Protocol (parentPort messages):
//   in:  {id, hosts, maxSockets?, lane?}
//                                      probe hosts (maxSockets, if given, first
//                                      sets this thread's cap on sockets in flight;
//                                      lane 'ondemand' uses run-now's own budget,
//                                      see limiter.ts)
//   out: {id, pings}                   one ping per host, in the order given
//   out: {id, error}                   the request itself was unusable
//   in:  {type: 'config', maxSockets}  change the cap
//   out: {type: 'error', error}        a config message was rejected
// workerData may carry {maxSockets} for the initial cap.

import { parentPort, workerData } from 'node:worker_threads';
import { defaultLimiter, onDemandLimiter, probeHosts, setMaxSockets } from './tcp';
import type { Host } from '../types';

if (!parentPort) {
	throw new Error('the probe worker must be started as a worker thread');
}
const port = parentPort;

interface ProbeRequest {
	id: number;
	hosts: Host[];
	maxSockets?: number;
	lane?: 'scheduled' | 'ondemand';
}
interface ConfigMessage {
	type: 'config';
	maxSockets: number;
}

function describe(err: unknown): string {
	return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function initialMax(data: unknown): void {
	if (data && typeof data === 'object' && 'maxSockets' in data && data.maxSockets != null) {
		setMaxSockets(data.maxSockets as number);
	}
}
initialMax(workerData);

port.on('message', (msg: ProbeRequest | ConfigMessage) => {
	if (msg && 'type' in msg && msg.type === 'config') {
		try {
			setMaxSockets(msg.maxSockets);
		} catch (err) {
			port.postMessage({ type: 'error', error: describe(err) });
		}
		return;
	}
	const req = msg as ProbeRequest;
	const id = req?.id;
	try {
		if (req.maxSockets != null) setMaxSockets(req.maxSockets);
	} catch (err) {
		port.postMessage({ id, error: describe(err) });
		return;
	}
	probeHosts(req.hosts, req.lane === 'ondemand' ? onDemandLimiter : defaultLimiter).then(
		(pings) => port.postMessage({ id, pings }),
		(err) => port.postMessage({ id, error: describe(err) })
	);
});
