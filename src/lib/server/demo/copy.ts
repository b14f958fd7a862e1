// COPY-based writer for the demo seeder on real Postgres: one COPY per table
// per monitor, the next monitor simulated while the last one streams. Only
// used for monitors the seeder has just created (inactive while seeding), so
// no live check can collide with these rows.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { SeedRows, SeedWriter } from './seed';

function field(v: unknown): string {
	if (v === null || v === undefined) return '\\N';
	if (v instanceof Date) return v.toISOString();
	const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
	// COPY text format: escape backslash, tab, newline, carriage return.
	return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

async function copy(sql: postgres.Sql, table: string, columns: string[], rows: unknown[][]) {
	if (rows.length === 0) return;
	const stream = await sql.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
	function* chunks() {
		for (let i = 0; i < rows.length; i += 2000) {
			yield rows
				.slice(i, i + 2000)
				.map((r) => r.map(field).join('\t'))
				.join('\n') + '\n';
		}
	}
	await pipeline(Readable.from(chunks()), stream);
}

const ROLLUP = ['up', 'degraded', 'down', 'maintenance', 'latency_sum', 'latency_count', 'latency_min', 'latency_max'];

export function copyWriter(url: string): SeedWriter & { close(): Promise<void> } {
	// Demo data: losing the last commits in a crash is fine, waiting for an fsync per COPY is not.
	const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { synchronous_commit: 'off' } });
	let inFlight: Promise<void> = Promise.resolve();
	const stats = (r: { up?: number; degraded?: number; down?: number; maintenance?: number; latencySum?: number; latencyCount?: number; latencyMin?: number | null; latencyMax?: number | null }) => [
		r.up, r.degraded, r.down, r.maintenance, r.latencySum, r.latencyCount, r.latencyMin ?? null, r.latencyMax ?? null
	];
	const send = async (r: SeedRows) => {
		await Promise.all([
			copy(sql, 'check_hours', ['monitor_id', 'bucket', ...ROLLUP], r.hours.map((h) => [h.monitorId, h.bucket, ...stats(h)])),
			copy(sql, 'check_days', ['monitor_id', 'day', ...ROLLUP], r.days.map((d) => [d.monitorId, d.day, ...stats(d)]))
		]);
		await Promise.all([
			copy(sql, 'checks', ['monitor_id', 'ts', 'status', 'latency', 'pings', 'error'], r.checks.map((c) => [c.monitorId, c.ts, c.status, c.latency, c.pings, c.error ?? null])),
			copy(sql, 'status_changes', ['monitor_id', 'ts', 'from_status', 'to_status', 'error'], r.changes.map((c) => [c.monitorId, c.ts, c.fromStatus ?? null, c.toStatus, c.error ?? null]))
		]);
	};
	return {
		async write(r) {
			// Depth-one pipeline: wait for the previous monitor, then stream this one in the background.
			await inFlight;
			inFlight = send(r);
			inFlight.catch(() => {});
		},
		async flush() {
			await inFlight;
		},
		close: () => sql.end({ timeout: 5 })
	};
}
