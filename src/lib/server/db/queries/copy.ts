// Bulk loading with COPY over its own postgres.js connection (the demo
// seeder on real PostgreSQL): rows arrive as COPY text lines, built by the
// caller with copyField. Demo data: losing the last commits in a crash is
// fine, waiting for an fsync per COPY is not (synchronous_commit off).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
export function copyField(v: string | number | null): string {
	if (v === null) return '\\N';
	const s = String(v);
	return /[\\\t\n\r]/.test(s)
		? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
		: s;
}

/** The rollup columns of check_hours and check_days after the key, in COPY order. */
export const ROLLUP_COLUMNS = ['up', 'degraded', 'down', 'maintenance', 'latency_sum', 'latency_count', 'latency_min', 'latency_max'];

export interface CopySession {
	/** Streams the lines (each ending in \n) into table (columns); nothing for no lines. */
	copy(table: string, columns: string[], lines: string[]): Promise<void>;
	/** Stores a monitor's host list under a version, unless that version exists. */
	hostList(monitorId: number, version: number, hosts: unknown): Promise<void>;
	close(): Promise<void>;
}

export function copySession(url: string): CopySession {
	// A Unix socket (the embedded server) comes as ?host=/dir, which postgres.js would send as a server setting.
	const u = new URL(url);
	const socketDir = u.searchParams.get('host');
	u.searchParams.delete('host');
	const sql = postgres(u.toString(), {
		...(socketDir ? { host: socketDir } : {}),
		max: 2,
		onnotice: () => {},
		connection: { synchronous_commit: 'off' }
	});
	return {
		async copy(table, columns, lines) {
			if (lines.length === 0) return;
			const stream = await sql.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
			function* chunks() {
				for (let i = 0; i < lines.length; i += 5000) yield lines.slice(i, i + 5000).join('');
			}
			await pipeline(Readable.from(chunks()), stream);
		},
		async hostList(monitorId, version, hosts) {
			await sql`insert into check_host_lists (monitor_id, version, hosts) values (${monitorId}, ${version}, ${JSON.stringify(hosts)}::jsonb) on conflict do nothing`;
		},
		close: () => sql.end({ timeout: 5 })
	};
}
