import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	test: {
		include: ['src/**/*.test.{ts,js}', 'tests/integration/**/*.test.ts'],
		// Timing-sensitive tests run alone, one file at a time (npm run
		// test:timing): a hostile-eval test burning the other core must not be
		// what they measure.
		exclude: [
			'**/node_modules/**',
			...(process.env.PORTHOLE_TIMING_TESTS ? [] : ['tests/integration/latency-truth.test.ts', 'tests/integration/workers.test.ts'])
		],
		environment: 'node',
		// One embedded PostgreSQL server for the run's "embedded" database tests (db/testing.ts).
		globalSetup: ['tests/global-setup.ts'],
		// Database and socket tests share one Postgres and real ports: keep files
		// in a few forks, not dozens of threads fighting over two cores.
		pool: 'forks',
		maxWorkers: 2,
		testTimeout: 20_000,
		hookTimeout: 120_000
	}
});
