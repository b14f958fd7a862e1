// Public /api/v1 output on a real database (both drivers): a check's error
// text can name hosts and addresses, so it follows show_hosts, as the page does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCheck } from '../db/queries/checks';
import { getMonitorByTag, upsertMonitors } from '../db/queries/monitors';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../db/testing';
import { validateMonitorList } from '../monitors/validate';
import { getPublicMonitor } from './monitors';

describe.each(DRIVERS)('public monitor JSON (%s)', (driver) => {
	let t: TestDatabase;
	const ERROR = 'ECONNREFUSED: connect ECONNREFUSED 10.1.2.3:5432';

	beforeAll(async () => {
		t = await openTestDatabase(driver);
		const hosts = { hosts: [{ type: 'tcp', host: '10.1.2.3', port: 5432 }] };
		const list = validateMonitorList([
			{ tag: 'hidden-hosts', name: 'Hidden hosts', type: 'TCP', type_data: hosts },
			{ tag: 'shown-hosts', name: 'Shown hosts', type: 'TCP', show_hosts: true, type_data: hosts }
		]);
		if (!list.ok) throw new Error(JSON.stringify(list.errors));
		await upsertMonitors(t.db, list.value);
		for (const tag of ['hidden-hosts', 'shown-hosts']) {
			const m = (await getMonitorByTag(t.db, tag))!;
			await recordCheck(
				t.db,
				{ monitorId: m.id, ts: new Date(Date.now() - 60_000), status: 'DOWN', latency: 0, pings: [], error: ERROR },
				'UTC'
			);
		}
	});
	afterAll(() => t?.destroy());

	it('leaves out check errors of a monitor that hides its hosts', async () => {
		const m = await getPublicMonitor(t.db, 'UTC', 'hidden-hosts');
		expect(m!.checks).toHaveLength(1);
		expect(m!.checks[0]).toMatchObject({ status: 'DOWN', error: null });
		expect(JSON.stringify(m)).not.toContain('10.1.2.3');
	});

	it('shows them where the admin chose to show hosts', async () => {
		const m = await getPublicMonitor(t.db, 'UTC', 'shown-hosts');
		expect(m!.checks[0]).toMatchObject({ status: 'DOWN', error: ERROR });
	});
});
