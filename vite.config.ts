import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { buildWorkers } from './scripts/build-workers.js';
import SlowFirst from './tests/support/sequencer';

/**
 * The worker threads and `npm run worker`, compiled by esbuild into build/
 * (scripts/build-workers.js): after `vite build`, once adapter-node has
 * written (and first emptied) build/; and for `vite dev`, at start and again
 * when a server file changes, build/worker.js included, so `npm run worker`
 * beside a dev server runs the code being edited (worker threads started
 * before keep their code until the dev server restarts).
 */
function workers(): Plugin {
	let ssrBuild = false;
	return {
		name: 'porthole-workers',
		configResolved(config) {
			ssrBuild = config.command === 'build' && !!config.build.ssr;
		},
		closeBundle: {
			sequential: true,
			order: 'post',
			async handler() {
				if (ssrBuild) await buildWorkers();
			}
		},
		async configureServer(server) {
			if (process.env.VITEST) return; // tests/global-setup.ts builds them (and build/worker.js)
			await buildWorkers();
			server.watcher.on('change', (file) => {
				if (/[/\\]src[/\\](lib[/\\]server[/\\].*|worker)\.ts$/.test(file)) {
					buildWorkers().catch((err) => server.config.logger.error(`workers: ${err.message}`));
				}
			});
		}
	};
}

// Server-only code (SvelteKit's own rule: $lib/server and *.server files) is
// tested in Node; the rest of src/ runs in the browser too.
const SERVER_TESTS = ['src/lib/server/**/*.test.{ts,js}', 'src/**/*.server.test.{ts,js}'];

export default defineConfig({
	plugins: [tailwindcss(), sveltekit(), workers()],
	test: {
		// A test that checks nothing is a mistake: every test makes at least one assertion.
		expect: { requireAssertions: true },
		// Two cores at most for the whole run, whichever project a file is in.
		maxWorkers: 2,
		// The files that mostly wait start first (tests/support/sequencer.ts).
		sequence: { sequencer: SlowFirst },
		testTimeout: 20_000,
		hookTimeout: 120_000,
		projects: [
			{
				extends: true,
				test: {
					name: 'server',
					include: [...SERVER_TESTS, 'tests/integration/**/*.test.ts'],
					// Timing-sensitive tests run alone, one file at a time (npm run
					// test:timing): a hostile-eval test burning the other core must not be
					// what they measure.
					exclude: [
						'**/node_modules/**',
						...(process.env.PORTHOLE_TIMING_TESTS
							? []
							: ['tests/integration/latency-truth.test.ts', 'tests/integration/workers.test.ts', 'tests/integration/locations.test.ts']),
						// The second run on Node 24 (scripts/node24-unit.sh) leaves out what ran on
						// Node 20 just before and mostly waits: the integration tests (real worker
						// processes, minutes of real 5 s cron slots, two minutes of a receiver
						// away) and the probe loop's slot tests. What they check does not differ
						// between Node versions; the modules that touch Node's APIs (probe, TLS,
						// eval sandbox, crypto, HTTP, SMTP) keep their own tests there. This keeps
						// CI inside its time.
						...(process.env.PORTHOLE_SKIP_SLOT_WAITS ? ['tests/integration/**', 'src/lib/server/probe/scheduler.test.ts'] : [])
					],
					environment: 'node',
					// One embedded PostgreSQL server for the run's "embedded" database tests (db/testing.ts).
					globalSetup: ['tests/global-setup.ts'],
					// Database and socket tests share one Postgres and real ports: keep files
					// in a few forks, not dozens of threads fighting over two cores.
					pool: 'forks',
					maxWorkers: 2
				}
			},
			{
				extends: true,
				test: {
					name: 'client',
					include: ['src/**/*.test.{ts,js}'],
					exclude: ['**/node_modules/**', ...SERVER_TESTS],
					// Components and $lib helpers run in the browser: a DOM, no Node server parts.
					environment: 'happy-dom'
				}
			}
		]
	}
});
