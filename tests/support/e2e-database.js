// The e2e suite's PostgreSQL database (playwright.pg.config.ts): one per
// server port, so two suites on one machine never share or drop each other's.
// Created empty by scripts/e2e-server.js, dropped by the config's teardown.
import pg from 'pg';

const admin = () => process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** @param {string | number | undefined} port */
const name = (port) => `porthole_e2e_${Number(port)}`;

/** @param {string} text */
async function run(text) {
	const c = new pg.Client({ connectionString: admin() });
	await c.connect();
	try {
		await c.query(text);
	} finally {
		await c.end();
	}
}

/** @param {string | number | undefined} port */
export function e2eDatabaseUrl(port) {
	const url = new URL(admin());
	url.pathname = `/${name(port)}`;
	return url.toString();
}

/** @param {string | number | undefined} port */
export async function dropE2eDatabase(port) {
	await run(`drop database if exists "${name(port)}" with (force)`);
}

/**
 * Drops a leftover of an earlier run on the same port, then creates it empty.
 * @param {string | number | undefined} port
 */
export async function resetE2eDatabase(port) {
	await dropE2eDatabase(port);
	await run(`create database "${name(port)}"`);
}
