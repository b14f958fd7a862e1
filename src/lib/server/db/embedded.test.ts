// The embedded server's lifecycle on a real folder: data kept across restarts,
// one process per folder (a clear error naming it), a server left behind by a
// killed Porthole taken over, and damaged or foreign folders refused clearly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, sql } from 'drizzle-orm';
import { monitors } from './schema';
import { openDatabase } from './index';
import { EmbeddedDatabaseError, embeddedBinDir, spawnLikeServer } from './embedded';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const alive = (pid: number) => {
	try {
		return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is gone
	} catch {
		return false;
	}
};

/** Another process holding the folder open (as a second `npm start` would), until killed. */
function holder(dir: string): Promise<{ child: ChildProcess; postmaster: number }> {
	const code = `
		import { openDatabase } from './src/lib/server/db/index.ts';
		const d = await openDatabase({ dataDir: ${JSON.stringify(dir)}, embedded: { fsync: false } });
		const { readFileSync } = await import('node:fs');
		console.log('ready ' + readFileSync(${JSON.stringify(join(dir, 'postgres', 'postmaster.pid'))}, 'utf8').split('\\n')[0]);
		setInterval(() => {}, 1000);
	`;
	const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit']
	});
	return new Promise((resolve, reject) => {
		child.once('exit', (c) => reject(new Error(`holder exited with ${c}`)));
		createInterface({ input: child.stdout! }).on('line', (line) => {
			const m = /^ready (\d+)/.exec(line);
			if (m) resolve({ child, postmaster: Number(m[1]) });
		});
	});
}

describe('embedded PostgreSQL on a data folder', () => {
	let base: string;
	beforeAll(() => {
		// Private (0700, as mkdtemp makes it), like /root: as root the server must work in it all the same.
		base = mkdtempSync(join(tmpdir(), 'porthole-embedded-test-'));
	});
	afterAll(() => rmSync(base, { recursive: true, force: true }));

	it.runIf(process.getuid?.() === 0)('as root, works in a folder no other user can reach (the README command run in /root)', async () => {
		const dir = join(base, 'private', 'data');
		mkdirSync(join(base, 'private'), { mode: 0o700 });
		const a = await openDatabase({ dataDir: dir, embedded: { fsync: false } });
		try {
			await a.db.execute(sql`insert into monitors (tag, name, type_data) values ('root', 'Root', '{"hosts": []}'::jsonb)`);
			expect(await a.db.select({ tag: monitors.tag }).from(monitors)).toEqual([{ tag: 'root' }]);
		} finally {
			await a.close();
		}
	});

	it('keeps data across a restart, and stops its server on close', async () => {
		const dir = join(base, 'persist');
		const a = await openDatabase({ dataDir: dir, embedded: { fsync: false } });
		expect(a.driver).toBe('embedded');
		await a.db.execute(sql`insert into monitors (tag, name, type_data) values ('kept', 'Kept', '{"hosts": []}'::jsonb)`);
		const pid = Number(readFileSync(join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
		await a.close();
		expect(alive(pid)).toBe(false);
		expect(existsSync(join(dir, 'porthole.pid'))).toBe(false);

		const b = await openDatabase({ dataDir: dir, embedded: { fsync: false } });
		try {
			// Bounded memory and write-ahead log, and no TCP port.
			const setting = async (name: string) =>
				((await b.db.execute(sql.raw(`show ${name}`))) as unknown as { rows: Record<string, string>[] }).rows[0][name];
			expect(await setting('shared_buffers')).toBe('16MB');
			expect(await setting('max_wal_size')).toBe('64MB');
			expect(await setting('checkpoint_timeout')).toBe('5min');
			expect(await setting('listen_addresses')).toBe('');
			expect(await b.db.select({ tag: monitors.tag, name: monitors.name }).from(monitors)).toEqual([{ tag: 'kept', name: 'Kept' }]);
		} finally {
			await b.close();
		}
	});

	it('stops its server when the Porthole process is killed (SIGKILL)', async () => {
		const h = await holder(join(base, 'killed'));
		expect(alive(h.postmaster)).toBe(true);
		h.child.kill('SIGKILL');
		await new Promise((r) => h.child.once('exit', r));
		const t0 = Date.now();
		while (alive(h.postmaster) && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 100));
		expect(alive(h.postmaster)).toBe(false);
	});

	it('refuses a folder another process has open, naming it', async () => {
		const dir = join(base, 'locked');
		const h = await holder(dir);
		try {
			const err = await openDatabase({ dataDir: dir, embedded: { fsync: false } }).then(
				() => null,
				(e) => e
			);
			expect(err).toBeInstanceOf(EmbeddedDatabaseError);
			expect(err.message).toContain(dir);
			expect(err.message).toContain(`in use by another Porthole process (pid ${h.child.pid})`);
			expect(err.message).toMatch(/Stop that process first, or give this one another DATA_DIR/);
			expect(alive(h.postmaster)).toBe(true);
		} finally {
			h.child.kill('SIGKILL');
			await new Promise((r) => h.child.once('exit', r));
		}
	});

	it('takes over a server left running on the folder by a Porthole that is gone', async () => {
		const dir = join(base, 'orphan');
		await (await openDatabase({ dataDir: dir, embedded: { fsync: false } })).close();
		// As a Porthole killed with its watcher would leave it: a server on the folder, an owner pid that is dead.
		const pgData = join(dir, 'postgres');
		const bin = embeddedBinDir();
		// As the app runs it (as root: in a user namespace, or as another user).
		const orphan = spawnLikeServer(
			join(bin, 'postgres'),
			['-D', pgData, '-c', 'listen_addresses=', '-c', `unix_socket_directories=${pgData}`],
			{
				stdio: 'ignore',
				detached: true
			}
		);
		orphan.unref();
		const pidFile = join(pgData, 'postmaster.pid');
		const t0 = Date.now();
		while (!(existsSync(pidFile) && readFileSync(pidFile, 'utf8').includes('ready')) && Date.now() - t0 < 15_000)
			await new Promise((r) => setTimeout(r, 50));
		const gone = spawn('true');
		await new Promise((r) => gone.once('exit', r));
		writeFileSync(join(dir, 'porthole.pid'), `${gone.pid}\n`);
		expect(alive(orphan.pid!)).toBe(true);

		const c = await openDatabase({ dataDir: dir, embedded: { fsync: false } });
		try {
			expect(alive(orphan.pid!)).toBe(false);
			expect(await c.db.select({ n: count() }).from(monitors)).toEqual([{ n: 0 }]);
		} finally {
			await c.close();
		}
	});

	it('starts over a stale postmaster.pid whose pid now belongs to another program', async () => {
		const dir = join(base, 'stale');
		await (await openDatabase({ dataDir: dir, embedded: { fsync: false } })).close();
		const other = spawn('sleep', ['30'], { stdio: 'ignore' });
		try {
			writeFileSync(join(dir, 'postgres', 'postmaster.pid'), `${other.pid}\n${join(dir, 'postgres')}\n`);
			const logs: string[] = [];
			const d = await openDatabase({ dataDir: dir, embedded: { fsync: false, onLog: (l) => logs.push(l) } });
			await d.close();
			expect(logs.join('\n')).toContain(`(pid ${other.pid} is another program now): removed`);
		} finally {
			other.kill();
		}
	});

	it('refuses a damaged folder with a clear error', async () => {
		const dir = join(base, 'corrupt');
		await (await openDatabase({ dataDir: dir, embedded: { fsync: false } })).close();
		writeFileSync(join(dir, 'postgres', 'global', 'pg_control'), Buffer.alloc(8192, 0x5a));
		const err = await openDatabase({ dataDir: dir, embedded: { fsync: false } }).then(
			() => null,
			(e) => e
		);
		expect(err).toBeInstanceOf(EmbeddedDatabaseError);
		expect(err.message).toContain(`the embedded database in ${join(dir, 'postgres')} cannot be opened`);
		expect(err.message).toMatch(/FATAL: \S.*(DETAIL|control file)/);
		expect(err.message).toMatch(/restore it from a backup, or move it away/);

		const half = join(base, 'half');
		mkdirSync(join(half, 'postgres', 'base'), { recursive: true });
		await expect(openDatabase({ dataDir: half })).rejects.toThrow(/not empty but has no PG_VERSION.*restore it from a backup/);
	});

	it('refuses a PGlite folder from an earlier version, saying what to do', async () => {
		const dir = join(base, 'pglite');
		mkdirSync(join(dir, 'base'), { recursive: true });
		writeFileSync(join(dir, 'PG_VERSION'), '17\n');
		await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/holds a PGlite database .* Export your monitors/);
	});
});
