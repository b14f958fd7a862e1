import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { upsertMonitors } from './monitors';
import { validateMonitorList } from '../../monitors/validate';
import { claimSlots, releaseFutureClaims } from './claims';
import { monitors, slotClaims } from '../schema';

describe.each(DRIVERS)('slot claims on %s', (driver) => {
	let t: TestDatabase;
	let ids: number[];
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		const r = validateMonitorList(
			['a', 'b'].map((tag) => ({ tag, name: tag, type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1' }] } }))
		);
		if (!r.ok) throw new Error('bad fixture');
		await upsertMonitors(t.db, r.value);
		ids = (await t.db.select({ id: monitors.id }).from(monitors)).map((x) => x.id).sort();
	});

	it('the first worker wins a slot, keeps it when it claims again, and the other loses it', async () => {
		const ts = new Date('2030-01-01T00:00:00Z');
		const w1 = await claimSlots(
			t.db,
			[
				{ monitorId: ids[0], ts },
				{ monitorId: ids[1], ts }
			],
			'w1'
		);
		expect([...w1].sort()).toEqual([`${ids[0]}@${ts.getTime()}`, `${ids[1]}@${ts.getTime()}`].sort());
		expect((await claimSlots(t.db, [{ monitorId: ids[0], ts }], 'w2')).size).toBe(0);
		expect(await claimSlots(t.db, [{ monitorId: ids[0], ts }], 'w1')).toEqual(new Set([`${ids[0]}@${ts.getTime()}`]));
	});

	it('a slot twice in one batch (a monitor edited while its claim was pending) is claimed once, not an error', async () => {
		const ts = new Date('2030-01-01T00:00:05Z');
		const won = await claimSlots(
			t.db,
			[
				{ monitorId: ids[0], ts },
				{ monitorId: ids[1], ts },
				{ monitorId: ids[0], ts: new Date(ts) }
			],
			'w1'
		);
		expect(won).toEqual(new Set([`${ids[0]}@${ts.getTime()}`, `${ids[1]}@${ts.getTime()}`]));
		expect(await t.db.select().from(slotClaims)).toHaveLength(2);
	});

	it('a stopping worker gives back its future slots only', async () => {
		const past = new Date(Date.now() - 60_000);
		const future = new Date(Date.now() + 60_000);
		await claimSlots(
			t.db,
			[
				{ monitorId: ids[0], ts: past },
				{ monitorId: ids[0], ts: future },
				{ monitorId: ids[1], ts: future }
			],
			'w1'
		);
		await claimSlots(t.db, [{ monitorId: ids[1], ts: new Date(future.getTime() + 5000) }], 'w2');
		expect(await releaseFutureClaims(t.db, 'w1')).toBe(2);
		const left = await t.db.select().from(slotClaims);
		expect(left.map((c) => `${c.workerId}@${c.ts.getTime()}`).sort()).toEqual(
			[`w1@${past.getTime()}`, `w2@${future.getTime() + 5000}`].sort()
		);
	});
});
