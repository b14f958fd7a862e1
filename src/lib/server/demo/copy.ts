// COPY-based writer for the demo seeder on real Postgres: one COPY per table
// per monitor, the next monitor simulated while the last one streams. Rows go
// straight from the simulated history to COPY text (no per-row objects). Only
// used for monitors the seeder has just created (inactive while seeding), so
// no live check can collide with these rows.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { RollupDelta } from '../db/queries/rollup';
import type { MonitorStatus } from '../types';
import { SLOT_EPOCH_MS, STATUS_CODES } from '../db/schema';
import { encodePings, hostKeys } from '../db/queries/ping-codec';
import { demoError, demoPings, type SeedMonitor, type SeedWriter } from './seed';

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
export function copyField(v: string | number | null): string {
	if (v === null) return '\\N';
	const s = String(v);
	return /[\\\t\n\r]/.test(s)
		? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
		: s;
}

async function copy(sql: postgres.Sql, table: string, columns: string[], lines: string[]) {
	if (lines.length === 0) return;
	const stream = await sql.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
	function* chunks() {
		for (let i = 0; i < lines.length; i += 5000) yield lines.slice(i, i + 5000).join('');
	}
	await pipeline(Readable.from(chunks()), stream);
}

const ROLLUP = ['up', 'degraded', 'down', 'maintenance', 'latency_sum', 'latency_count', 'latency_min', 'latency_max'];
const stats = (d: RollupDelta) =>
	`${d.up}\t${d.degraded}\t${d.down}\t${d.maintenance}\t${d.latencySum}\t${d.latencyCount}\t${copyField(d.latencyMin)}\t${copyField(d.latencyMax)}`;

export function copyWriter(url: string): SeedWriter & { close(): Promise<void> } {
	// Demo data: losing the last commits in a crash is fine, waiting for an fsync per COPY is not.
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
	let inFlight: Promise<void> = Promise.resolve();

	const send = async ({ id, hosts, h }: SeedMonitor) => {
		const hours = [...h.hours].map(([b, d]) => `${id}\t${new Date(b).toISOString()}\t${stats(d)}\n`);
		const days = [...h.days].map(([day, d]) => `${id}\t${day}\t${stats(d)}\n`);
		// Packed like recordCheck packs them (queries/ping-codec.ts); the seeder's
		// monitors are new, so their host list is version 1.
		const hostList = hostKeys(demoPings(hosts, 'UP', 0));
		const packed = (status: MonitorStatus, latency: number) =>
			'\\\\x' + Buffer.from(encodePings(1, demoPings(hosts, status, latency), () => 0)).toString('hex');
		const err = { DOWN: copyField(demoError('DOWN')), other: '\\N' };
		const rawLines = h.raw.map(
			(c) =>
				`${id}\t${(c.ts - SLOT_EPOCH_MS) / 1000}\t${c.latency}\t${STATUS_CODES[c.status]}\t${packed(c.status, c.latency)}\t${c.status === 'DOWN' ? err.DOWN : err.other}\n`
		);
		const changeLines = h.changes.map(
			(c) => `${id}\t${new Date(c.ts).toISOString()}\t${copyField(c.from)}\t${c.to}\t${c.to === 'DOWN' ? err.DOWN : err.other}\n`
		);
		await Promise.all([
			copy(sql, 'check_hours', ['monitor_id', 'bucket', ...ROLLUP], hours).then(() =>
				copy(sql, 'check_days', ['monitor_id', 'day', ...ROLLUP], days)
			),
			sql`insert into check_host_lists (monitor_id, version, hosts) values (${id}, 1, ${JSON.stringify(hostList)}::jsonb) on conflict do nothing`
				.then(() => copy(sql, 'check_results', ['monitor_id', 'ts', 'latency', 'status', 'hosts', 'error'], rawLines))
				.then(() =>
				copy(sql, 'status_changes', ['monitor_id', 'ts', 'from_status', 'to_status', 'error'], changeLines)
			)
		]);
	};
	return {
		async write(m) {
			// Depth-one pipeline: wait for the previous monitor, then stream this one in the background.
			await inFlight;
			inFlight = send(m);
			inFlight.catch(() => {});
		},
		async flush() {
			await inFlight;
		},
		close: () => sql.end({ timeout: 5 })
	};
}
