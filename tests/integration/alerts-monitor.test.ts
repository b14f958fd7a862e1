// Issue 14, the monitor side: each monitor's own confirmation settings and
// channels decide what a check queues. Checks go through the real write path
// (recordCheck with the alert step in its transaction) at our own slot
// timestamps, one minute apart, and the assertions read alert_outbox and
// monitor_alert_state: which messages, for which channels, in what order.
import { describe, expect, it } from 'vitest';
import { DRIVERS, type TestDatabase } from '../../src/lib/server/db/testing';
import { useTestDatabase } from '../../src/lib/server/db/test-hooks';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { recordCheck } from '../../src/lib/server/db/queries/checks';
import { createChannel, listOutbox, type NewChannel } from '../../src/lib/server/db/queries/alerts';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { alertOnCheck } from '../../src/lib/server/alerts/record';
import type { MonitorStatus } from '../../src/lib/server/types';

const hook = alertOnCheck();
const T0 = Date.UTC(2026, 5, 1);
const MIN = 60_000;

const channel = (name: string, extra: Partial<NewChannel> = {}) =>
	({ name, type: 'webhook', config: { url: 'http://127.0.0.1:1/', secret: 's' }, ...extra }) as NewChannel;

describe.each(DRIVERS)('per-monitor alert settings on %s', (driver) => {
	let t: TestDatabase;
	useTestDatabase(driver, (d) => (t = d));

	/** Writes monitors in the spec's format (confirm, channels, group, active) through the real upsert. */
	async function addMonitors(specs: Record<string, unknown>[]) {
		const r = validateMonitorList(
			specs.map((s) => ({ name: `Monitor ${s.tag}`, type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 1 }] }, ...s }))
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(t.db, r.value);
		const rows = await t.db.query.monitors.findMany();
		return new Map(rows.map((m) => [m.tag, m.id]));
	}

	const check = (monitorId: number, i: number, status: MonitorStatus) =>
		recordCheck(t.db, { monitorId, ts: new Date(T0 + i * MIN), status, latency: 1, pings: [], error: null }, 'UTC', hook);

	/** Outbox rows as [monitor tag, kind, channel name], in queue order. */
	async function queued(ids: Map<string, number>) {
		const tags = new Map([...ids].map(([tag, id]) => [id, tag]));
		const names = new Map((await t.db.query.alertChannels.findMany()).map((c) => [c.id, c.name]));
		return (await listOutbox(t.db)).map((o) => [tags.get(o.monitorId!), o.kind, names.get(o.channelId)]);
	}

	it('confirm down 3 / up 1: nothing after two failing checks, one down after the third, recovered after one UP', async () => {
		await createChannel(t.db, channel('hook'));
		const ids = await addMonitors([{ tag: 'slow', confirm: { down: 3, up: 1 }, channels: ['hook'] }]);
		const id = ids.get('slow')!;
		await check(id, 0, 'DOWN');
		await check(id, 1, 'DOWN');
		expect(await queued(ids)).toEqual([]);
		await check(id, 2, 'DOWN');
		await check(id, 3, 'DOWN');
		expect(await queued(ids)).toEqual([['slow', 'down', 'hook']]);
		await check(id, 4, 'UP');
		expect(await queued(ids)).toEqual([
			['slow', 'down', 'hook'],
			['slow', 'recovered', 'hook']
		]);
		const [down, recovered] = await listOutbox(t.db);
		expect(down.payload).toMatchObject({ at: new Date(T0 + 2 * MIN).toISOString(), since: new Date(T0).toISOString() });
		// The outage: slot 0 to the UP at slot 4.
		expect(recovered.payload).toMatchObject({ kind: 'recovered', durationSeconds: 4 * 60 });
	});

	it('DEGRADED alerts only the monitor whose confirm.degraded is true', async () => {
		await createChannel(t.db, channel('hook'));
		const ids = await addMonitors([
			{ tag: 'strict', confirm: { degraded: true }, channels: ['hook'] },
			{ tag: 'lenient', channels: ['hook'] }
		]);
		for (let i = 0; i < 3; i++) for (const tag of ['strict', 'lenient']) await check(ids.get(tag)!, i, 'DEGRADED');
		expect(await queued(ids)).toEqual([['strict', 'down', 'hook']]);
		expect((await listOutbox(t.db))[0].payload).toMatchObject({ status: 'DEGRADED' });
	});

	it('a check alerts the named channels, every scope "all" channel and the "group" channels of its group, each once', async () => {
		await createChannel(t.db, channel('everyone', { scope: 'all' }));
		await createChannel(t.db, channel('payments', { scope: 'group', scopeGroup: 'Payments' }));
		await createChannel(t.db, channel('named'));
		await createChannel(t.db, channel('unused'));
		const ids = await addMonitors([
			{ tag: 'pay', group: 'Payments', confirm: { down: 1 } },
			// Named and in the group: still one message to "payments".
			{ tag: 'pay2', group: 'Payments', confirm: { down: 1 }, channels: ['payments', 'named'] },
			{ tag: 'web', group: 'Web', confirm: { down: 1 }, channels: ['named'] },
			{ tag: 'bare', confirm: { down: 1 } }
		]);
		for (const tag of ['pay', 'pay2', 'web', 'bare']) await check(ids.get(tag)!, 0, 'DOWN');
		const rows = await queued(ids);
		const byMonitor = (tag: string) =>
			rows
				.filter((r) => r[0] === tag)
				.map((r) => r[2])
				.sort();
		expect(byMonitor('pay')).toEqual(['everyone', 'payments']);
		expect(byMonitor('pay2')).toEqual(['everyone', 'named', 'payments']);
		expect(byMonitor('web')).toEqual(['everyone', 'named']);
		expect(byMonitor('bare')).toEqual(['everyone']);
		expect(rows).toHaveLength(8);
	});

	it('an inactive monitor queues nothing and keeps no alert state, whatever its channels', async () => {
		await createChannel(t.db, channel('everyone', { scope: 'all' }));
		await createChannel(t.db, channel('hook'));
		const ids = await addMonitors([
			{ tag: 'paused', active: false, confirm: { down: 1 }, channels: ['hook'] },
			{ tag: 'live', confirm: { down: 1 } }
		]);
		for (let i = 0; i < 4; i++) {
			expect(await check(ids.get('paused')!, i, 'DOWN')).toBe(true); // the check itself is stored
			await check(ids.get('live')!, i, 'DOWN');
		}
		expect(await queued(ids)).toEqual([['live', 'down', 'everyone']]);
		const states = await t.db.query.monitorAlertState.findMany();
		expect(states.map((s) => s.monitorId)).toEqual([ids.get('live')]);
	});

	it('a monitor no channel serves queues nothing and keeps no alert state', async () => {
		await createChannel(t.db, channel('other', { scope: 'group', scopeGroup: 'Elsewhere' }));
		const ids = await addMonitors([{ tag: 'quiet', group: 'Here', confirm: { down: 1 } }]);
		for (let i = 0; i < 3; i++) await check(ids.get('quiet')!, i, 'DOWN');
		expect(await listOutbox(t.db)).toEqual([]);
		expect(await t.db.query.monitorAlertState.findMany()).toEqual([]);
	});

	it('reminds every remindMinutes while down, numbered with unique keys, and stops and resets on recovery', async () => {
		const hookId = await createChannel(t.db, channel('hook'));
		const ids = await addMonitors([{ tag: 'long', confirm: { down: 2, up: 2, remindMinutes: 3 }, channels: ['hook'] }]);
		const id = ids.get('long')!;
		// Down confirmed at slot 1; reminders at 4, 7, 10; UP at 11 and 12 recovers.
		for (let i = 0; i <= 10; i++) await check(id, i, 'DOWN');
		const mid = await t.db.query.monitorAlertState.findFirst();
		expect(mid).toMatchObject({ state: 'down', reminders: 3, lastNotifiedAt: new Date(T0 + 10 * MIN) });
		await check(id, 11, 'UP');
		await check(id, 12, 'UP');
		const out = await listOutbox(t.db);
		expect(out.map((o) => [o.kind, o.payload.reminder ?? null, o.payload.at])).toEqual([
			['down', null, new Date(T0 + 1 * MIN).toISOString()],
			['reminder', 1, new Date(T0 + 4 * MIN).toISOString()],
			['reminder', 2, new Date(T0 + 7 * MIN).toISOString()],
			['reminder', 3, new Date(T0 + 10 * MIN).toISOString()],
			['recovered', null, new Date(T0 + 12 * MIN).toISOString()]
		]);
		for (const o of out.filter((o) => o.kind === 'reminder')) {
			expect(o.payload).toMatchObject({ kind: 'reminder', status: 'DOWN', since: new Date(T0).toISOString(), monitor: { tag: 'long' } });
			expect(o.idempotencyKey).toBe(
				`porthole-${id}-reminder${o.payload.reminder}-${(T0 + (o.payload.reminder as number) * 3 * MIN + MIN) / 1000}-${hookId}`
			);
		}
		expect(new Set(out.map((o) => o.idempotencyKey)).size).toBe(5);
		expect(out[4].payload).toMatchObject({ durationSeconds: 11 * 60 });
		expect(await t.db.query.monitorAlertState.findFirst()).toMatchObject({ state: 'up', reminders: 0, lastNotifiedAt: null });
	});
});
