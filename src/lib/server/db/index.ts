// The one module that knows which database driver is in use. DATABASE_URL set:
// node-postgres against a real server. Unset: embedded PGlite in a data folder,
// so `npm start` works on a fresh machine with nothing else installed.
import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { migrateDatabase } from './migrate';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle or the database itself: queries accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface Database {
	db: Db;
	driver: 'postgres' | 'pglite';
	/** The postgres:// URL (postgres driver only). */
	url?: string;
	/** Resolves when the database answers `select 1` within timeoutMs. */
	ping(timeoutMs?: number): Promise<void>;
	close(): Promise<void>;
}

export interface OpenOptions {
	/** postgres:// URL; when absent PGlite is used. */
	url?: string;
	/** PGlite data folder; undefined with no url = in-memory (tests). */
	dataDir?: string;
	/** Apply migrations from drizzle/ (default true). */
	migrate?: boolean;
	/** Connection pool size (real Postgres). */
	max?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
	const database = opts.url ? await openPostgres(opts.url, opts.max) : await openPglite(opts.dataDir);
	if (opts.migrate !== false) {
		try {
			await migrateDatabase(database);
		} catch (err) {
			await database.close().catch(() => {});
			throw err;
		}
	}
	return database;
}

async function openPostgres(url: string, max = 10): Promise<Database> {
	// node-postgres rather than postgres.js: postgres.js 3.4.x can throw an
	// uncatchable TypeError from a queued write when the server drops the
	// connection (porsager/postgres #1154, #1208), which would take the whole
	// status page down exactly during a database outage.
	const { default: pg } = await import('pg');
	const { drizzle } = await import('drizzle-orm/node-postgres');
	const pool = new pg.Pool({
		connectionString: url,
		max,
		// Fail fast when the server is down: health checks and the write path
		// must notice within seconds.
		connectionTimeoutMillis: 5000,
		idleTimeoutMillis: 60_000,
		// A query cut off by a dying server can otherwise wait forever, holding
		// its client, and pool.end() with it.
		query_timeout: 60_000
	});
	// An idle client whose server went away emits 'error' on the pool; without
	// a listener that is an uncaught exception. The next query reconnects.
	pool.on('error', () => {});
	// Same for a client that is checked out (e.g. inside a transaction) when the
	// server goes away between two queries: the query in flight rejects anyway.
	pool.on('connect', (client) => client.on('error', () => {}));
	const db = drizzle(pool, { schema }) as unknown as Db;
	return {
		db,
		driver: 'postgres',
		url,
		ping: (timeoutMs = 2000) => withTimeout(db.execute(sql`select 1`), timeoutMs),
		// Bounded: a client stuck in a dead connection must not hang shutdown.
		close: () => Promise.race([pool.end(), new Promise<void>((r) => setTimeout(r, 5000).unref())])
	};
}

async function openPglite(dataDir?: string): Promise<Database> {
	const { PGlite } = await import('@electric-sql/pglite');
	const { drizzle } = await import('drizzle-orm/pglite');
	if (dataDir) mkdirSync(dataDir, { recursive: true });
	const client = await PGlite.create(dataDir);
	const db = drizzle(client, { schema }) as unknown as Db;
	return {
		db,
		driver: 'pglite',
		ping: (timeoutMs = 2000) => withTimeout(db.execute(sql`select 1`), timeoutMs),
		close: () => client.close()
	};
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
		p.then(
			() => (clearTimeout(timer), resolve()),
			(err) => (clearTimeout(timer), reject(err))
		);
	});
}

export { schema };
