// Test helper for the incidents and maintenance tests (the service, /api/v1,
// and the API behind the admin guard): the monitors each test starts from,
// and a row count to show that a refused write wrote nothing.
import { sql } from 'drizzle-orm';
import { truncateAll, type TestDatabase } from '../db/testing';
import { upsertMonitors } from '../db/queries/monitors';
import type { MonitorInput } from '../types';
import { errorLine, validateMonitor } from '../monitors/validate';

// Through the validator, so every field a monitor has gets its default.
const monitor = (tag: string, extra: Record<string, unknown> = {}): MonitorInput => {
	const r = validateMonitor({
		tag,
		name: `Name of ${tag}`,
		type: 'TCP',
		type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port: 9, timeout: 100 }] },
		...extra
	});
	if (!r.ok) throw new Error(r.errors.map(errorLine).join('; '));
	return r.value;
};

/** An empty database but for web, db-main and db-replica (db-* matches two) and secret, which visitors never see. */
export async function seedNoticeMonitors(t: TestDatabase): Promise<void> {
	await truncateAll(t);
	await upsertMonitors(t.db, [monitor('web'), monitor('db-main'), monitor('db-replica'), monitor('secret', { public: false })]);
}

export const countRows = async (t: TestDatabase, table: string) =>
	Number(((await t.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] }).rows[0].n);
