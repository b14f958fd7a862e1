// COPY-based writer for the demo seeder on real Postgres (db/queries/copy.ts):
// one COPY per table per monitor, the next monitor simulated while the last
// one streams. Rows go straight from the simulated history to COPY text (no
// per-row objects). Only used for monitors the seeder has just created
// (inactive while seeding), so no live check can collide with these rows.
import type { RollupDelta } from '../db/queries/rollup';
import type { MonitorStatus } from '../types';
import { SLOT_EPOCH_MS, STATUS_CODES } from '../db/schema';
import { encodePings, hostKeys } from '../db/queries/ping-codec';
import { copyField, copySession, ROLLUP_COLUMNS } from '../db/queries/copy';
import { demoError, demoPings, type SeedMonitor, type SeedWriter } from './seed';

const stats = (d: RollupDelta) =>
	`${d.up}\t${d.degraded}\t${d.down}\t${d.maintenance}\t${d.latencySum}\t${d.latencyCount}\t${copyField(d.latencyMin)}\t${copyField(d.latencyMax)}`;

export function copyWriter(url: string): SeedWriter & { close(): Promise<void> } {
	const db = copySession(url);
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
			db
				.copy('check_hours', ['monitor_id', 'bucket', ...ROLLUP_COLUMNS], hours)
				.then(() => db.copy('check_days', ['monitor_id', 'day', ...ROLLUP_COLUMNS], days)),
			db
				.hostList(id, 1, hostList)
				.then(() => db.copy('check_results', ['monitor_id', 'ts', 'latency', 'status', 'hosts', 'error'], rawLines))
				.then(() => db.copy('status_changes', ['monitor_id', 'ts', 'from_status', 'to_status', 'error'], changeLines))
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
		close: () => db.close()
	};
}
