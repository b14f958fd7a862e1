// Storm digests with a real database (both drivers) and real HTTP receivers:
// many monitors' messages queued at once to a channel reach it as a digest
// listing each monitor once; a digest that failed is retried with the same
// key and the same monitors; a quiet channel's lone message goes alone.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { createChannel, enqueueAlerts, listDeliveries, listOutbox, recordAttempt, type NewOutboxRow } from '../db/queries/alerts';
import { upsertMonitors } from '../db/queries/monitors';
import { validateMonitorList } from '../monitors/validate';
import { silentLogger } from '../log';
import { httpReceiver } from '../../../../tests/fixtures/receivers';
import { digestKey } from './storm';
import { Sender } from './sender';

const SECRET = 'storm-secret';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(fn: () => Promise<boolean> | boolean, what: string, ms = 15_000) {
	const end = Date.now() + ms;
	while (!(await fn())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await wait(50);
	}
}

interface Listed {
	id: string;
	kind: string;
	monitor: { tag: string };
}

describe('digest keys', () => {
	it('depend on the set of rows, not their order', () => {
		expect(digestKey(3, [5, 1, 9])).toBe(digestKey(3, [1, 9, 5]));
		expect(digestKey(3, [1, 5, 9])).toMatch(/^porthole-digest-3-1-[0-9a-f]{12}$/);
		expect(digestKey(3, [1, 5, 9])).not.toBe(digestKey(3, [1, 5, 10]));
		expect(digestKey(3, [1, 5])).not.toBe(digestKey(4, [1, 5]));
	});
});

describe.each(DRIVERS)('storm digests on %s', (driver) => {
	let t: TestDatabase;
	let ids: number[];
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => {
		await t?.destroy();
	});
	beforeEach(async () => {
		await truncateAll(t);
		const r = validateMonitorList(
			Array.from({ length: 30 }, (_, i) => ({
				tag: `m${i}`,
				name: `Monitor ${i}`,
				type: 'TCP',
				type_data: { hosts: [{ host: '127.0.0.1' }] }
			}))
		);
		if (!r.ok) throw new Error('bad fixture');
		await upsertMonitors(t.db, r.value);
		const rows = await t.db.query.monitors.findMany();
		ids = rows.sort((a, b) => Number(a.tag.slice(1)) - Number(b.tag.slice(1))).map((m) => m.id);
	});

	const message = (channelId: number, i: number, kind: 'down' | 'recovered' = 'down'): NewOutboxRow => ({
		channelId,
		monitorId: ids[i],
		kind,
		idempotencyKey: `k-${channelId}-${i}-${kind}`,
		payload: {
			kind,
			monitor: { tag: `m${i}`, name: `Monitor ${i}` },
			status: kind === 'down' ? 'DOWN' : 'UP',
			at: '2026-06-01T12:01:00Z',
			since: '2026-06-01T12:00:00Z'
		}
	});
	// One claim at a time (concurrency 1) where a test expects one exact sequence of requests.
	const sender = (stormSpacingMs = 1000, concurrency = 1) =>
		new Sender({
			db: t.db,
			log: silentLogger,
			pollMs: 50,
			retryBaseMs: 100,
			retryCapMs: 200,
			stormGatherMs: 300,
			stormSpacingMs,
			concurrency
		});

	it('sends 30 monitors as one digest, retried once with the same key and monitors, then the next message in order', async () => {
		// The first request fails: the digest must come back whole, with its key.
		const hook = await httpReceiver((n) => (n === 0 ? 500 : 200));
		const s = sender();
		try {
			const ch = await createChannel(t.db, { name: 'hook', type: 'webhook', config: { url: hook.url, secret: SECRET } });
			// 30 downs at once, and m0's recovery queued behind its down.
			await enqueueAlerts(t.db, [...ids.map((_, i) => message(ch, i)), message(ch, 0, 'recovered')]);
			s.start();
			await waitFor(async () => (await listOutbox(t.db)).every((o) => o.deliveredAt !== null), 'all delivered');
		} finally {
			await s.stop();
			await hook.close();
		}
		// Three requests for 31 messages: the digest (500), the same digest again (200), then m0's recovery.
		expect(hook.got.map((g) => [g.body.kind, g.answered])).toEqual([
			['digest', 500],
			['digest', 200],
			['recovered', 200]
		]);
		const [failed, retried, recovered] = hook.got;
		for (const g of hook.got) {
			expect(g.headers['x-porthole-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(g.raw).digest('hex')}`);
			expect(g.headers['idempotency-key']).toBe(g.body.id);
		}
		expect(retried.body.id).toBe(failed.body.id);
		expect(retried.raw).toBe(failed.raw);
		const listed = retried.body.messages as Listed[];
		// Every monitor exactly once, each message with its own key, m0's recovery not among them.
		expect(listed.map((m) => m.monitor.tag).sort()).toEqual(ids.map((_, i) => `m${i}`).sort());
		expect(listed.every((m) => m.kind === 'down')).toBe(true);
		expect(new Set(listed.map((m) => m.id)).size).toBe(30);
		expect(recovered.body).toMatchObject({ kind: 'recovered', monitor: { tag: 'm0' } });

		const outbox = await listOutbox(t.db);
		const downs = outbox.filter((o) => o.kind === 'down');
		expect(downs.every((o) => o.batchKey === failed.body.id && o.attempts === 2)).toBe(true);
		expect(outbox.find((o) => o.kind === 'recovered')).toMatchObject({ batchKey: null, attempts: 1 });
		expect(failed.body.id).toBe(
			digestKey(
				downs[0].channelId,
				downs.map((o) => o.id)
			)
		);
		// Each row's log: the 500, then the 200.
		const log = await listDeliveries(t.db);
		for (const o of downs) expect(log.filter((d) => d.outboxId === o.id).map((d) => d.statusCode)).toEqual([500, 200]);
	});

	it('retries a message that already went alone under its own key, even when its channel is storming since', async () => {
		const hook = await httpReceiver(() => 200);
		const s = sender();
		let ch = 0;
		try {
			ch = await createChannel(t.db, { name: 'hook', type: 'webhook', config: { url: hook.url, secret: SECRET } });
			// m0's down went alone once and failed (the receiver may have taken it): due again now.
			await enqueueAlerts(t.db, [message(ch, 0)]);
			const [first] = await listOutbox(t.db);
			await recordAttempt(t.db, {
				outboxId: first.id,
				at: new Date(),
				statusCode: 500,
				error: null,
				durationMs: 1,
				delivered: false,
				retryAt: new Date()
			});
			// Then a storm on the same channel.
			await enqueueAlerts(
				t.db,
				ids.slice(1).map((_, i) => message(ch, i + 1))
			);
			s.start();
			await waitFor(async () => (await listOutbox(t.db)).every((o) => o.deliveredAt !== null), 'all delivered');
		} finally {
			await s.stop();
			await hook.close();
		}
		// m0 again alone with the key it was first sent under; the others in digest(s), each monitor once.
		const m0 = hook.got.filter((g) => g.raw.includes('"tag":"m0"'));
		expect(m0.map((g) => [g.body.kind, g.body.id, g.headers['idempotency-key']])).toEqual([['down', `k-${ch}-0-down`, `k-${ch}-0-down`]]);
		const listed = hook.got.filter((g) => g.body.kind === 'digest').flatMap((g) => (g.body.messages as Listed[]).map((m) => m.monitor.tag));
		expect(listed.sort()).toEqual(
			ids
				.slice(1)
				.map((_, i) => `m${i + 1}`)
				.sort()
		);
	});

	it('lists a storm in one Slack message while a quiet channel gets its one alert alone', async () => {
		const slack = await httpReceiver();
		const quiet = await httpReceiver();
		const s = sender();
		try {
			const loud = await createChannel(t.db, { name: 'slack', type: 'slack', config: { url: slack.url } });
			const calm = await createChannel(t.db, { name: 'calm', type: 'webhook', config: { url: quiet.url, secret: SECRET } });
			await enqueueAlerts(t.db, [...ids.map((_, i) => message(loud, i)), message(calm, 7)]);
			s.start();
			await waitFor(async () => (await listOutbox(t.db)).every((o) => o.deliveredAt !== null), 'all delivered');
		} finally {
			await s.stop();
			await slack.close();
			await quiet.close();
		}
		expect(quiet.got.map((g) => [g.body.kind, (g.body.monitor as { tag: string }).tag])).toEqual([['down', 'm7']]);
		expect(slack.got).toHaveLength(1);
		const text = JSON.stringify(slack.got[0].body.blocks);
		expect(slack.got[0].body.text).toBe('🚨 30 alerts at once: 30 DOWN');
		for (let i = 0; i < 30; i++) expect(text.split(`Monitor ${i} (m${i}) is DOWN`)).toHaveLength(2);
	});

	it(
		'1,000 monitors going down over a second make a handful of digests, each monitor listed once, with two senders',
		{ timeout: 30_000 },
		async () => {
			const r = validateMonitorList(
				Array.from({ length: 1000 }, (_, i) => ({
					tag: `big${i}`,
					name: `Big ${i}`,
					type: 'TCP',
					type_data: { hosts: [{ host: '127.0.0.1' }] }
				}))
			);
			if (!r.ok) throw new Error('bad fixture');
			await upsertMonitors(t.db, r.value);
			const big = (await t.db.query.monitors.findMany()).filter((m) => m.tag.startsWith('big'));
			const hook = await httpReceiver();
			const senders = [sender(3000, 2), sender(3000, 2)];
			try {
				const ch = await createChannel(t.db, { name: 'big', type: 'webhook', config: { url: hook.url, secret: SECRET } });
				for (const s of senders) s.start();
				// The checks of a storm are written over a while: ten batches of 100, 100 ms apart.
				for (let b = 0; b < 10; b++) {
					await enqueueAlerts(
						t.db,
						big.slice(b * 100, b * 100 + 100).map((m) => ({
							channelId: ch,
							monitorId: m.id,
							kind: 'down' as const,
							idempotencyKey: `big-${m.id}`,
							payload: { kind: 'down', monitor: { tag: m.tag, name: m.name }, status: 'DOWN', at: 'a', since: 's' }
						}))
					);
					await wait(100);
				}
				await waitFor(async () => (await listOutbox(t.db)).every((o) => o.deliveredAt !== null), 'all delivered', 25_000);
			} finally {
				for (const s of senders) await s.stop();
				await hook.close();
			}
			// A handful: the first few alone before the storm shows (fewer than the threshold), then digests of up to 500.
			expect(hook.got.length).toBeLessThanOrEqual(6);
			const tags = hook.got.flatMap((g) =>
				(g.body.kind === 'digest' ? (g.body.messages as Listed[]) : [g.body as unknown as Listed]).map((m) => m.monitor.tag)
			);
			expect(tags).toHaveLength(1000);
			expect(new Set(tags).size).toBe(1000);
			expect(hook.got.filter((g) => g.body.kind !== 'digest').length).toBeLessThan(5);
		}
	);

	it('sends a lone message at once on a channel below its threshold, and nothing is grouped with a threshold of 0', async () => {
		const hook = await httpReceiver();
		const s = sender();
		try {
			const below = await createChannel(t.db, { name: 'below', type: 'webhook', config: { url: hook.url, secret: SECRET } });
			const off = await createChannel(t.db, {
				name: 'off',
				type: 'webhook',
				config: { url: `${hook.url}off`, secret: SECRET },
				stormThreshold: 0
			});
			await enqueueAlerts(t.db, [...[0, 1, 2, 3].map((i) => message(below, i)), ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => message(off, i))]);
			s.start();
			await waitFor(async () => (await listOutbox(t.db)).every((o) => o.deliveredAt !== null), 'all delivered');
		} finally {
			await s.stop();
			await hook.close();
		}
		expect(hook.got).toHaveLength(12);
		expect(hook.got.every((g) => g.body.kind === 'down')).toBe(true);
		expect(hook.got.filter((g) => g.path === '/off')).toHaveLength(8);
		expect((await listOutbox(t.db)).every((o) => o.batchKey === null)).toBe(true);
	});
});
