// Probe worker thread entry (plain ESM JavaScript: it runs as bare Node).
//
// Started by pool.ts through the package export "porthole/probe-worker", so it
// ships as this very file (see DESIGN.md, "Shipping a worker file"). It may
// import only Node built-ins and sibling .js files.
//
// Protocol (parentPort messages):
//   in:  {id, hosts, maxSockets?, lane?}
//                                      probe hosts (maxSockets, if given, first
//                                      sets this thread's cap on sockets in flight;
//                                      lane 'ondemand' uses run-now's own budget,
//                                      see limiter.js)
//   out: {id, pings}                   one ping per host, in the order given
//   out: {id, error}                   the request itself was unusable
//   in:  {type: 'config', maxSockets}  change the cap
//   out: {type: 'error', error}        a config message was rejected
// workerData may carry {maxSockets} for the initial cap.

import { parentPort, workerData } from 'node:worker_threads';
import { defaultLimiter, onDemandLimiter, probeHosts, setMaxSockets } from './tcp.js';

if (!parentPort) {
	throw new Error('probe/worker.js must be started as a worker thread');
}
const port = parentPort;

/** @param {unknown} err */
function describe(err) {
	return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** @param {unknown} data */
function initialMax(data) {
	if (data && typeof data === 'object' && 'maxSockets' in data && data.maxSockets != null) {
		setMaxSockets(/** @type {number} */ (data.maxSockets));
	}
}
initialMax(workerData);

/**
 * @typedef {{id: number, hosts: import('../types').Host[], maxSockets?: number, lane?: 'scheduled' | 'ondemand'}} ProbeRequest
 * @typedef {{type: 'config', maxSockets: number}} ConfigMessage
 */

port.on('message', (/** @type {ProbeRequest | ConfigMessage} */ msg) => {
	if (msg && 'type' in msg && msg.type === 'config') {
		try {
			setMaxSockets(msg.maxSockets);
		} catch (err) {
			port.postMessage({ type: 'error', error: describe(err) });
		}
		return;
	}
	const req = /** @type {ProbeRequest} */ (msg);
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
