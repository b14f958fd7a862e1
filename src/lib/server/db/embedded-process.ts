// How the embedded PostgreSQL server's processes run (as whom: PostgreSQL
// refuses root) and how a running server is found and waited for, from
// process ids and /proc. db/embedded.ts starts, adopts and stops the server
// with these.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class EmbeddedDatabaseError extends Error {}

/**
 * How the server's processes run. PostgreSQL refuses to run as root, and many
 * people start a status page as root on a small VPS, in /root, where no other
 * user can reach DATA_DIR or node_modules. So, as root:
 * - userns (preferred): in a user namespace (util-linux `unshare`) where the
 *   server is "nobody" but that id is root outside. PostgreSQL sees a non-root
 *   user; the kernel still checks files as root, so every folder root can use
 *   works, and the files stay root's on disk.
 * - user (fallback, where user namespaces are off): as user postgres (or
 *   nobody), which must be able to reach DATA_DIR and node_modules.
 */
export type Runner =
	{ kind: 'self' } | { kind: 'userns'; uid: number; gid: number } | { kind: 'user'; uid: number; gid: number; name: string };

function idOf(name: string): { uid: number; gid: number } | null {
	try {
		const uid = Number(execFileSync('id', ['-u', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
		const gid = Number(execFileSync('id', ['-g', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
		return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
	} catch {
		return null; // no such user
	}
}

const nsArgs = (r: { uid: number; gid: number }) => ['--user', `--map-user=${r.uid}`, `--map-group=${r.gid}`, '--'];

let runnerMemo: Runner | undefined;
export function serverRunner(): Runner {
	if (runnerMemo) return runnerMemo;
	if (process.getuid?.() !== 0) return (runnerMemo = { kind: 'self' });
	// Inside, the server needs an id its tools can name (initdb looks up its own user): nobody's.
	const nobody = idOf('nobody') ?? { uid: 65534, gid: 65534 };
	try {
		execFileSync('unshare', [...nsArgs(nobody), 'true'], { stdio: 'ignore', timeout: 10_000 });
		return (runnerMemo = { kind: 'userns', ...nobody });
	} catch {
		// No unshare, or user namespaces switched off: run as another user instead.
	}
	for (const name of ['postgres', 'nobody']) {
		const id = idOf(name);
		if (id) return (runnerMemo = { kind: 'user', ...id, name });
	}
	throw new EmbeddedDatabaseError(
		'running as root, and PostgreSQL refuses root: user namespaces are not available and there is neither a postgres nor a nobody user to run the embedded server as. Run Porthole as a normal user, or set DATABASE_URL.'
	);
}

/** spawn(), as the runner runs the server's programs. */
export function spawnAs(r: Runner, file: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
	if (r.kind === 'userns') return spawn('unshare', [...nsArgs(r), file, ...args], options);
	if (r.kind === 'user') return spawn(file, args, { ...options, uid: r.uid, gid: r.gid });
	return spawn(file, args, options);
}

/** A PostgreSQL program run as the embedded server's programs are (for tests that start one by hand). */
export function spawnLikeServer(file: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
	return spawnAs(serverRunner(), file, args, options);
}

/** The user a folder must be reachable by, for the fallback's error messages; null when root's own access counts. */
export const otherUser = (r: Runner) => (r.kind === 'user' ? r : null);

export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		// A zombie (exited, not yet reaped by whoever adopted it) is gone.
		try {
			return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
		} catch {
			return true;
		}
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export function readPid(file: string): number | null {
	try {
		const n = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
		return Number.isInteger(n) && n > 0 ? n : null;
	} catch {
		return null;
	}
}

/**
 * Whether a live pid is a postgres server on this folder ('ours'), certainly
 * not ('other': on Linux, its command line does not name the folder, e.g. a
 * pid reused after a crash or a container restart), or cannot be told.
 */
export function postmasterOf(pid: number, pgData: string): 'ours' | 'other' | 'unknown' {
	try {
		const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
		if (argv.includes(pgData)) return 'ours';
		return argv.length > 1 ? 'other' : 'unknown';
	} catch {
		return 'unknown';
	}
}

export async function waitExit(pid: number, ms: number): Promise<boolean> {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (!alive(pid)) return true;
		await new Promise((r) => setTimeout(r, 50));
	}
	return !alive(pid);
}
