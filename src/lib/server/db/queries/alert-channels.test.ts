// Channels as objects on both drivers: the CHANNELS_FILE sync, the service's
// writes (masking, secrets kept, file channels read-only), test messages and
// the delivery log.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { ChannelsFileError, syncChannelsFile } from '../../alerts/channels-file';
import { createChannel, deleteChannel, getChannel, listChannels, queueTestMessage, updateChannel } from '../../alerts/channels';
import { listOutbox, recordAttempt } from './alerts';
import { deliveryLog, listChannelRows, pendingMessages } from './alert-channels';

const dir = mkdtempSync(join(tmpdir(), 'porthole-channels-'));
const file = (name: string, content: unknown) => {
	const p = join(dir, name);
	writeFileSync(p, JSON.stringify(content));
	return p;
};
const SECRET = 'file-secret-0123456789';
const env = { HOOK_SECRET: SECRET, SLACK_URL: 'https://hooks.slack.com/services/T1/B1/tokenABCD' };
const spec = [
	{ name: 'ops-hook', type: 'webhook', url: 'https://example.com/hook', secret: '${HOOK_SECRET}' },
	{ name: 'ops-slack', type: 'slack', url: '${SLACK_URL}', scope: 'all', stormThreshold: 10 }
];

describe.each(DRIVERS)('alert channels on %s', (driver) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(() => truncateAll(t));

	it('syncs CHANNELS_FILE by name: created, then unchanged, updated, and a channel left out goes to the admin', async () => {
		expect(await syncChannelsFile(t.db, file('a.json', spec), env)).toEqual({
			created: ['ops-hook', 'ops-slack'],
			updated: [],
			unchanged: [],
			released: []
		});
		expect(await syncChannelsFile(t.db, file('a.json', spec), env)).toEqual({
			created: [],
			updated: [],
			unchanged: ['ops-hook', 'ops-slack'],
			released: []
		});
		const rows = await listChannelRows(t.db);
		expect(rows.map((r) => [r.name, r.source, r.scope, r.stormThreshold])).toEqual([
			['ops-hook', 'file', 'monitors', 5],
			['ops-slack', 'file', 'all', 10]
		]);
		expect(rows[0].config).toEqual({ url: 'https://example.com/hook', secret: SECRET });
		// An admin channel of the same name is taken over by the file.
		await createChannel(t.db, { name: 'taken-over', type: 'slack', url: 'https://hooks.slack.com/a' });
		const r = await syncChannelsFile(
			t.db,
			file('b.json', [
				{ ...spec[0], url: 'https://example.com/v2' },
				{ name: 'taken-over', type: 'slack', url: 'https://hooks.slack.com/b' }
			]),
			env
		);
		expect(r).toEqual({ created: [], updated: ['ops-hook', 'taken-over'], unchanged: [], released: ['ops-slack'] });
		const after = await listChannelRows(t.db);
		expect(after.map((x) => [x.name, x.source])).toEqual([
			['ops-hook', 'file'],
			['ops-slack', 'admin'],
			['taken-over', 'file']
		]);
	});

	it('changes nothing when any channel in the file is bad, and names the field', async () => {
		await syncChannelsFile(t.db, file('ok.json', spec), env);
		const bad = [
			{ ...spec[0], url: 'https://changed.example.com' },
			{ ...spec[1], url: 'ftp://x' }
		];
		const err = await syncChannelsFile(t.db, file('bad.json', bad), env).catch((e) => e);
		expect(err).toBeInstanceOf(ChannelsFileError);
		expect(err.message).toContain('channels[1].url: must be an https URL (http only for localhost), got "ftp://x"');
		const unset = await syncChannelsFile(t.db, file('unset.json', spec), {}).catch((e) => e);
		expect(unset.message).toContain('channels[0].secret: environment variable HOOK_SECRET is not set');
		expect((await listChannelRows(t.db)).map((x) => (x.config as { url: string }).url)).toEqual([
			'https://example.com/hook',
			env.SLACK_URL
		]);
	});

	it('shows channels masked; an update sending the masks back keeps the secrets', async () => {
		const c = await createChannel(t.db, { name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/in/tokenWXYZ' });
		expect(c.ok).toBe(true);
		if (!c.ok) return;
		// No secret given: one is made, shown this once.
		expect(c.generatedSecret).toMatch(/^[\w-]{32}$/);
		const shown = await getChannel(t.db, c.channel.id);
		expect(shown).toMatchObject({
			name: 'hook',
			url: 'http://127.0.0.1:9/…WXYZ',
			secret: `…${c.generatedSecret!.slice(-4)}`,
			scope: 'monitors',
			source: 'admin'
		});
		expect(JSON.stringify(await listChannels(t.db))).not.toContain(c.generatedSecret!);
		expect(JSON.stringify(await listChannels(t.db))).not.toContain('tokenWXYZ');

		const u = await updateChannel(t.db, c.channel.id, {
			...shown,
			id: undefined,
			source: undefined,
			createdAt: undefined,
			updatedAt: undefined,
			stormThreshold: 7
		});
		expect(u.ok).toBe(true);
		const [row] = await listChannelRows(t.db);
		expect(row.config).toEqual({ url: 'http://127.0.0.1:9/in/tokenWXYZ', secret: c.generatedSecret });
		expect(row.stormThreshold).toBe(7);
		// PATCH-style: only the fields given.
		expect((await updateChannel(t.db, c.channel.id, { secret: 'a-brand-new-secret-value' }, true)).ok).toBe(true);
		expect((await listChannelRows(t.db))[0].config).toEqual({ url: 'http://127.0.0.1:9/in/tokenWXYZ', secret: 'a-brand-new-secret-value' });
		const bad = await updateChannel(t.db, c.channel.id, { secret: 'short' }, true);
		expect(bad).toEqual({ ok: false, status: 400, errors: [{ path: 'secret', message: 'must be at least 16 characters' }] });
	});

	it('refuses a taken name, and writes to file channels', async () => {
		await syncChannelsFile(t.db, file('f.json', spec), env);
		const [fileHook] = await listChannelRows(t.db);
		const dup = await createChannel(t.db, { name: 'ops-hook', type: 'slack', url: 'https://hooks.slack.com/x' });
		expect(dup).toEqual({
			ok: false,
			status: 409,
			errors: [{ path: 'name', message: 'name "ops-hook" is already used by another channel' }]
		});
		const edit = await updateChannel(t.db, fileHook.id, { stormThreshold: 9 }, true);
		expect(edit.ok).toBe(false);
		expect(!edit.ok && [edit.status, edit.errors[0].message]).toEqual([
			409,
			'channel "ops-hook" comes from CHANNELS_FILE: change it there (it is read-only in the admin and API)'
		]);
		expect(await deleteChannel(t.db, fileHook.id)).toMatchObject({ ok: false, status: 409 });
		expect(await deleteChannel(t.db, 999)).toMatchObject({ ok: false, status: 404 });
		expect(await listChannelRows(t.db)).toHaveLength(2);
	});

	it('queues a test message and logs its attempts, newest first, with the pending ones', async () => {
		const c = await createChannel(t.db, { name: 'hook', type: 'webhook', url: 'https://example.com/h', secret: 'sixteen-chars-long!' });
		if (!c.ok) throw new Error('create');
		const at = new Date('2026-12-06T10:00:00.123Z');
		const q = await queueTestMessage(t.db, c.channel.id, at);
		expect(q?.key).toBe(`porthole-test-${c.channel.id}-${at.getTime()}`);
		expect(await queueTestMessage(t.db, 12345)).toBeNull();
		const [row] = await listOutbox(t.db);
		expect(row).toMatchObject({
			kind: 'test',
			monitorId: null,
			idempotencyKey: q!.key,
			payload: { kind: 'test', at: at.toISOString(), channel: { name: 'hook' } }
		});
		// A second press while the first still waits gives the first back: no pile of retrying tests.
		expect(await queueTestMessage(t.db, c.channel.id, new Date(at.getTime() + 1))).toEqual(q);
		expect(await listOutbox(t.db)).toHaveLength(1);
		const c2 = await createChannel(t.db, { name: 'hook2', type: 'webhook', url: 'https://example.com/h2', secret: 'sixteen-chars-long!' });
		if (!c2.ok) throw new Error('create');
		const q2 = await queueTestMessage(t.db, c2.channel.id, new Date(at.getTime() + 1));

		expect((await pendingMessages(t.db, { limit: 10 })).map((p) => [p.id, p.attempts])).toEqual([
			[q2!.outboxId, 0],
			[q!.outboxId, 0]
		]);
		const retry = new Date(at.getTime() + 60_000);
		await recordAttempt(t.db, {
			outboxId: q!.outboxId!,
			at,
			statusCode: 500,
			error: null,
			durationMs: 12,
			delivered: false,
			retryAt: retry
		});
		await recordAttempt(t.db, { outboxId: q2!.outboxId!, at, statusCode: 200, error: null, durationMs: 3, delivered: true, retryAt: null });
		const log = await deliveryLog(t.db, { limit: 10 });
		expect(log.map((l) => [l.outboxId, l.statusCode, l.kind, l.channelName, l.monitorTag])).toEqual([
			[q2!.outboxId, 200, 'test', 'hook2', null],
			[q!.outboxId, 500, 'test', 'hook', null]
		]);
		expect((await deliveryLog(t.db, { limit: 10, beforeId: log[0].id })).map((l) => l.id)).toEqual([log[1].id]);
		// Delivered, a test can be sent again.
		const q3 = await queueTestMessage(t.db, c2.channel.id, new Date(at.getTime() + 2));
		expect(q3!.outboxId).not.toBe(q2!.outboxId);
		const pend = await pendingMessages(t.db, { limit: 10 });
		expect(pend.map((p) => [p.id, p.attempts, p.nextAttemptAt.toISOString(), p.lastError])).toEqual([
			[q3!.outboxId, 0, expect.any(String), null],
			[q!.outboxId, 1, retry.toISOString(), 'HTTP 500']
		]);
	});
});
