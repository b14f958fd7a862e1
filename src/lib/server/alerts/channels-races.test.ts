// Channel writes from outside, on both drivers: writes racing on one name or
// one channel, masked values sent where they do not belong, and a channel
// MONITORS_FILE names (renamed or deleted, the next start would stop).
import { smtpSecure, type EmailConfig } from '../alert-types';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { listChannelRows } from '../db/queries/alert-channels';
import { createChannel, deleteChannel, getChannel, queueTestMessage, updateChannel } from './channels';
import { listOutbox } from '../db/queries/alerts';

describe.each(DRIVERS)('channel writes on %s', (driver) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(() => truncateAll(t));

	it('answers creates racing for one name with one channel and 409s, never a failed insert', async () => {
		const results = await Promise.all(
			Array.from({ length: 6 }, () => createChannel(t.db, { name: 'dup', type: 'slack', url: 'https://hooks.slack.com/a' }))
		);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(results.filter((r) => !r.ok).map((r) => !r.ok && [r.status, r.errors[0].path])).toEqual(Array(5).fill([409, 'name']));
		expect(await listChannelRows(t.db)).toHaveLength(1);
	});

	it('keeps both of two PATCHes of different fields sent at once', async () => {
		const c = await createChannel(t.db, { name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/x', secret: 'a-secret-of-16-chars' });
		if (!c.ok) throw new Error('not created');
		for (let i = 0; i < 5; i++) {
			await updateChannel(t.db, c.channel.id, { stormThreshold: 5, scope: 'monitors' }, true);
			const both = await Promise.all([
				updateChannel(t.db, c.channel.id, { stormThreshold: 10 + i }, true),
				updateChannel(t.db, c.channel.id, { scope: 'all' }, true)
			]);
			expect(both.map((r) => r.ok)).toEqual([true, true]);
			expect(await getChannel(t.db, c.channel.id)).toMatchObject({ stormThreshold: 10 + i, scope: 'all' });
		}
	});

	it("refuses another channel's mask (a copied read), and a mask on a new channel, changing nothing", async () => {
		const a = await createChannel(t.db, { name: 'a', type: 'slack', url: 'https://hooks.slack.com/services/T/B/tokenAAAA' });
		const b = await createChannel(t.db, {
			name: 'b',
			type: 'email',
			host: 'localhost',
			user: 'u',
			password: 'password-BBBB',
			from: 'o@example.com',
			to: ['x@example.com']
		});
		if (!a.ok || !b.ok) throw new Error('not created');
		const before = await listChannelRows(t.db);
		// a's read, sent to a new channel: the mask is not a URL to store.
		const clone = await createChannel(t.db, { ...a.channel, name: 'a-copy', id: undefined });
		expect(clone).toMatchObject({ ok: false, status: 400, errors: [{ path: 'url' }] });
		expect(!clone.ok && clone.errors[0].message).toMatch(/^is a masked value \("https:\/\/hooks\.slack\.com\/…AAAA"\)/);
		// A mask that is not this channel's, on the same type.
		expect(await updateChannel(t.db, a.channel.id, { url: 'https://hooks.slack.com/…ZZZZ' }, true)).toMatchObject({
			ok: false,
			status: 400,
			errors: [{ path: 'url' }]
		});
		expect(await updateChannel(t.db, b.channel.id, { password: '…ZZZZ' }, true)).toMatchObject({
			ok: false,
			errors: [{ path: 'password' }]
		});
		// A type change keeps no secret: the old URL's mask is refused, not stored.
		expect(await updateChannel(t.db, a.channel.id, { type: 'discord', url: a.channel.url }, true)).toMatchObject({
			ok: false,
			errors: [{ path: 'url' }]
		});
		expect(await listChannelRows(t.db)).toEqual(before);
		// The channel's own mask, sent back unchanged, still keeps the secret.
		expect(await updateChannel(t.db, b.channel.id, { password: b.channel.password, stormThreshold: 9 }, true)).toMatchObject({ ok: true });
		expect((await listChannelRows(t.db)).find((r) => r.name === 'b')?.config).toMatchObject({ password: 'password-BBBB' });
	});

	it('keeps a secret only where it was meant to go: a new host or URL needs the secret again', async () => {
		const mail = await createChannel(t.db, {
			name: 'mail',
			type: 'email',
			host: 'smtp.example.com',
			user: 'u',
			password: 'password-MAIL',
			from: 'o@example.com',
			to: ['x@example.com']
		});
		const hook = await createChannel(t.db, {
			name: 'hook',
			type: 'webhook',
			url: 'https://example.com/hook',
			secret: 'hook-secret-0123456789'
		});
		if (!mail.ok || !hook.ok) throw new Error('not created');
		const before = await listChannelRows(t.db);
		// PATCH of the host alone (API), or the form's whole spec with the mask (admin): the password must not follow.
		for (const body of [{ host: 'evil.example' }, { ...mail.channel, host: 'evil.example' }]) {
			const r = await updateChannel(t.db, mail.channel.id, body, true);
			expect(r).toMatchObject({ ok: false, status: 400, errors: [{ path: 'password' }] });
		}
		// A webhook's signing secret stays with its URL.
		expect(await updateChannel(t.db, hook.channel.id, { url: 'https://evil.example/hook' }, true)).toMatchObject({
			ok: false,
			status: 400,
			errors: [{ path: 'secret' }]
		});
		expect(await listChannelRows(t.db)).toEqual(before);
		// Given again, the change goes through; unrelated changes keep the secret as before.
		expect(await updateChannel(t.db, mail.channel.id, { host: 'smtp2.example.com', password: 'password-NEW!' }, true)).toMatchObject({
			ok: true
		});
		expect(
			await updateChannel(t.db, hook.channel.id, { url: 'https://example.com/hook2', secret: 'another-secret-0123' }, true)
		).toMatchObject({
			ok: true
		});
		expect(await updateChannel(t.db, mail.channel.id, { port: 2525 }, true)).toMatchObject({ ok: true });
		// A port given later brings its own TLS default (465: TLS from the first byte), not the old port's.
		expect(await updateChannel(t.db, mail.channel.id, { port: 465 }, true)).toMatchObject({ ok: true });
		const at465 = (await listChannelRows(t.db)).find((r) => r.name === 'mail')!.config as EmailConfig;
		expect(smtpSecure(at465)).toBe(true);
		expect(await updateChannel(t.db, mail.channel.id, { port: 2525 }, true)).toMatchObject({ ok: true });
		const rows = await listChannelRows(t.db);
		expect(rows.find((r) => r.name === 'mail')?.config).toMatchObject({ host: 'smtp2.example.com', port: 2525, password: 'password-NEW!' });
		// Login taken away (the admin form with both fields cleared): stored without one.
		expect(await updateChannel(t.db, mail.channel.id, { user: null, password: null }, true)).toMatchObject({ ok: true });
		expect((await listChannelRows(t.db)).find((r) => r.name === 'mail')?.config).toMatchObject({ user: null, password: null });
		expect(rows.find((r) => r.name === 'hook')?.config).toEqual({ url: 'https://example.com/hook2', secret: 'another-secret-0123' });
	});

	it('queues one test message for twenty presses at once, and gives it back to each', async () => {
		const c = await createChannel(t.db, { name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/x', secret: 'a-secret-of-16-chars' });
		if (!c.ok) throw new Error('not created');
		const at = new Date();
		const qs = await Promise.all(Array.from({ length: 20 }, (_, i) => queueTestMessage(t.db, c.channel.id, new Date(at.getTime() + i))));
		const rows = (await listOutbox(t.db)).filter((o) => o.kind === 'test');
		expect(rows).toHaveLength(1);
		expect(new Set(qs.map((q) => q?.outboxId))).toEqual(new Set([rows[0].id]));
		expect(new Set(qs.map((q) => q?.key))).toEqual(new Set([rows[0].idempotencyKey]));
	});

	it('keeps the name of a channel MONITORS_FILE names: rename and delete answer 409, other changes go through', async () => {
		const monitorsFile = join(mkdtempSync(join(tmpdir(), 'porthole-races-')), 'monitors.json');
		writeFileSync(monitorsFile, JSON.stringify([{ tag: 'db', name: 'DB', type: 'TCP', channels: ['ops'], type_data: { hosts: [] } }]));
		const ops = await createChannel(t.db, { name: 'ops', type: 'slack', url: 'https://hooks.slack.com/a' });
		const other = await createChannel(t.db, { name: 'other', type: 'slack', url: 'https://hooks.slack.com/b' });
		if (!ops.ok || !other.ok) throw new Error('not created');
		const renamed = await updateChannel(t.db, ops.channel.id, { name: 'ops-2' }, true, monitorsFile);
		expect(renamed).toEqual({
			ok: false,
			status: 409,
			errors: [
				{
					path: 'name',
					message: 'channel "ops" is named by monitors in MONITORS_FILE (the next start would stop on it): rename it there first'
				}
			]
		});
		expect(await deleteChannel(t.db, ops.channel.id, monitorsFile)).toMatchObject({ ok: false, status: 409, errors: [{ path: 'id' }] });
		expect(await updateChannel(t.db, ops.channel.id, { name: 'ops', stormThreshold: 8 }, true, monitorsFile)).toMatchObject({ ok: true });
		expect((await listChannelRows(t.db)).map((r) => [r.name, r.stormThreshold])).toEqual([
			['ops', 8],
			['other', 5]
		]);
		// A channel the file does not name, or no MONITORS_FILE at all: renamed and deleted as before.
		expect(await updateChannel(t.db, other.channel.id, { name: 'other-2' }, true, monitorsFile)).toMatchObject({ ok: true });
		expect(await deleteChannel(t.db, other.channel.id, monitorsFile)).toEqual({ ok: true });
		expect(await updateChannel(t.db, ops.channel.id, { name: 'ops-2' }, true)).toMatchObject({ ok: true });
	});
});
