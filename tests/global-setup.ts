// Vitest global setup: the worker threads and `npm run worker` compiled into
// build/ (scripts/build-workers.js), since the tests start the real probe and
// eval workers through the package exports that point there (and
// tests/integration/workers.test.ts runs build/worker.js); and one embedded
// PostgreSQL server (the default database, db/embedded.ts) for the whole run,
// in a temp folder with fsync off. Test files get a throwaway database on it
// (db/testing.ts) through the URL in the environment, which the test processes
// inherit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded } from '../src/lib/server/db/embedded';
import { EMBEDDED_URL_ENV } from '../src/lib/server/db/testing';
import { buildWorkers } from '../scripts/build-workers.js';

export default async function setup() {
	await buildWorkers();
	const dir = mkdtempSync(join(tmpdir(), 'porthole-test-embedded-'));
	const server = await startEmbedded(dir, { fsync: false }).catch((err) => {
		rmSync(dir, { recursive: true, force: true });
		throw err;
	});
	process.env[EMBEDDED_URL_ENV] = server.url;
	return async () => {
		await server.stop();
		rmSync(dir, { recursive: true, force: true });
	};
}
