// `npm run worker`: the probe loop without the web server. Shares the
// database (and the monitors.json sync) with the app through the same config.
// It runs as build/worker.js, bundled from this file by scripts/build-workers.js.
// `--location eu-1` (or LOCATION) probes from a named place: see probe/locations.ts.
import { parseArgs } from 'node:util';
import { loadConfig } from './lib/server/config';
import { startApp, stopApp } from './lib/server/app';

try {
	const { values } = parseArgs({ options: { location: { type: 'string' } }, strict: true });
	// The flag wins over the environment; config.ts validates either.
	const config = loadConfig(values.location === undefined ? process.env : { ...process.env, LOCATION: values.location });
	await startApp(config, { loop: true, snapshot: false });
} catch (err) {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
}
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
	process.on(sig, async () => {
		if (stopping) return;
		stopping = true;
		await stopApp();
		process.exit(0);
	});
}
