// npm run demo -- --monitors N --days D [--port P] [--seed S]
// Fills the configured database (DATABASE_URL, else the embedded server on DATA_DIR) with
// N demo monitors ("demo-…", replaced on each run) and D days of history:
// hourly and daily rollups for the whole span, raw checks for the last 7 days.
// History runs through the current slot with no gap at its end, so every
// demo monitor is current when seeding ends. The monitors point at
// 127.0.0.1:P (default 9, closed on most machines). With PROBE_WORKER=off
// nothing checks them afterwards: after three of its slots without a check a
// monitor shows "No data" and the banner says how many have no recent data,
// which is the truth. To keep them current, give the port of a local
// listener and run with the probe worker on: live checks carry on as UP.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/index';
import { seedDemo } from '../src/lib/server/demo/seed';
import { copyWriter } from '../src/lib/server/demo/copy';

function int(name: string, v: string | undefined, fallback: number, min: number, max: number): number {
	if (v === undefined) return fallback;
	const n = Number(v);
	if (!Number.isInteger(n) || n < min || n > max) {
		console.error(`--${name} must be an integer ${min}-${max}, got ${JSON.stringify(v)}`);
		process.exit(2);
	}
	return n;
}

const { values } = parseArgs({
	options: {
		monitors: { type: 'string' },
		days: { type: 'string' },
		port: { type: 'string' },
		seed: { type: 'string' }
	},
	strict: true
});

const config = loadConfig(process.env);
const opts = {
	monitors: int('monitors', values.monitors, 20, 1, 100_000),
	days: int('days', values.days, 90, 1, 3650),
	port: int('port', values.port, 9, 1, 65_535),
	seed: int('seed', values.seed, 1, 0, 2 ** 31),
	timeZone: config.siteTimezone
};
const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
const started = Date.now();
console.log(`demo: ${opts.monitors} monitors × ${opts.days} days into ${database.driver}, site zone ${opts.timeZone}`);
try {
	// COPY on both (fast enough for 1,000 monitors × 90 days).
	const writer = database.url ? copyWriter(database.url) : undefined;
	const r = await seedDemo(database.db, { ...opts, writer, log: (m) => console.log(`demo: ${m}`) }).finally(() => writer?.close());
	console.log(
		`demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${r.monitors} monitors, ${r.hours} hour rows, ${r.days} day rows, ${r.checks} raw checks, ${r.changes} status changes`
	);
} finally {
	await database.close();
}
