// The e2e suite's production path: the same tests on PostgreSQL (a throwaway
// database on the local server, see scripts/e2e-server.js), on a port of its
// own, for the tests that touch the database. The first-run test is the
// embedded default's and runs in the main config.
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

const PORT = Number(process.env.E2E_PG_PORT ?? 4174);
process.env.E2E_PORT = String(PORT);
// Read by tests that name the driver (smoke.test.ts).
process.env.E2E_DATABASE = 'postgres';

export default defineConfig({
	...base,
	// What reads or writes the database, through the pg driver. The rest (the
	// guard's property walk over every route, the editor's widgets, headers,
	// badges, bad-input fuzzing) does not depend on the driver and ran just
	// before on the embedded default; leaving it to that run keeps CI in time.
	testMatch: [
		'**/smoke.test.ts',
		'**/admin-1-journey.test.ts',
		'**/admin-2-machine.test.ts',
		'**/admin-alerts.test.ts',
		'**/admin-incidents.test.ts',
		'**/api-notices.test.ts',
		'**/incidents-journey.test.ts',
		'**/status-pages.test.ts',
		'**/hidden-monitors.test.ts'
	],
	globalTeardown: './tests/support/e2e-pg-teardown.ts',
	outputDir: 'test-results-pg',
	use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
	webServer: {
		...(base.webServer as object),
		command: 'node scripts/e2e-server.js',
		url: `http://127.0.0.1:${PORT}/api/health`,
		env: { PORT: String(PORT), E2E_DATABASE: 'postgres' }
	}
});
