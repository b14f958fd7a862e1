// The one module that knows where the database is. DATABASE_URL set:
// node-postgres against that server. Unset: the embedded PostgreSQL server
// (db/embedded.ts) on a data folder, started and stopped with the process, so
// `npm start` works on a fresh machine with nothing else installed. Both are
// PostgreSQL through the same node-postgres driver.
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { migrateDatabase } from './migrate';
import { startEmbedded, type EmbeddedOptions } from './embedded';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle or the database itself: queries accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface Database {
	db: Db;
	/** 'embedded': the server this process started on DATA_DIR; 'postgres': DATABASE_URL. */
	driver: 'postgres' | 'embedded';
	/** The postgres:// URL (over the Unix socket for the embedded server). */
	url: string;
	/** The embedded server's data folder (absolute). */
	dataDir?: string;
	/** Resolves when the database answers `select 1` within timeoutMs. */
	ping(timeoutMs?: number): Promise<void>;
	close(): Promise<void>;
}

export interface OpenOptions {
	/** postgres:// URL; when absent the embedded server on dataDir is used. */
	url?: string;
	/** The embedded server's data folder (DATA_DIR). */
	dataDir?: string;
	/** Embedded server options (tests: fsync off). */
	embedded?: EmbeddedOptions;
	/** Apply migrations from drizzle/ (default true). */
	migrate?: boolean;
	/** Connection pool size (real Postgres). */
	max?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
	const database = opts.url ? await openPostgres(opts.url, opts.max) : await openEmbedded(opts);
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

async function openEmbedded(opts: OpenOptions): Promise<Database> {
	if (!opts.dataDir) throw new Error('openDatabase: neither url nor dataDir');
	const server = await startEmbedded(opts.dataDir, opts.embedded);
	try {
		const database = await openPostgres(server.url, opts.max);
		return {
			...database,
			driver: 'embedded',
			dataDir: server.dataDir,
			close: async () => {
				await database.close();
				await server.stop();
			}
		};
	} catch (err) {
		await server.stop();
		throw err;
	}
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
