// Issue 14, delivery: every channel type against a real receiver (node:http
// for Slack, Discord and the signed webhook; smtp-server for email), each
// kind of message (down, recovered, reminder, test) as it arrives; and the
// three bad inputs (an SMTP host that refuses, a URL that is not http(s), a
// Slack URL answering 404) giving a clear error in the delivery log, on the
// outbox row and in the log, retried, while the running probe loop keeps
// writing its checks. Expectations are counts, order and content.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config';
import { startApp, stopApp, type App } from '../../src/lib/server/app';
import { createScratchDatabase, DRIVERS } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { createChannel, enqueueAlerts, listDeliveries, listOutbox, type NewOutboxRow } from '../../src/lib/server/db/queries/alerts';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { Sender } from '../../src/lib/server/alerts/sender';
import type { Logger } from '../../src/lib/server/log';
import { closedPort, listen, type Listener } from '../fixtures/net';
import { httpReceiver, smtpReceiver } from '../fixtures/receivers';

const SECRET = 'channel-secret';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(fn: () => Promise<boolean> | boolean, what: string, ms = 20_000) {
	const end = Date.now() + ms;
	while (!(await fn())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await wait(50);
	}
}

/** A logger that keeps its lines. */
function recordingLogger(): Logger & { lines: string[] } {
	const lines: string[] = [];
	const keep = (msg: string) => void lines.push(msg);
	return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

const monitor = { tag: 'db', name: 'Database' };
const AT = '2026-06-01T12:01:00.000Z';
const SINCE = '2026-06-01T12:00:00.000Z';
/** The four kinds for one channel: down, recovered (4 min 10 s), a reminder after 30 min, and a test. */
function fourKinds(channelId: number, channelName: string, monitorId: number): NewOutboxRow[] {
	const k = (kind: string) => `porthole-${channelId}-${kind}`;
	return [
		{
			channelId,
			monitorId,
			kind: 'down',
			idempotencyKey: k('down'),
			payload: { kind: 'down', monitor, status: 'DOWN', at: AT, since: SINCE }
		},
		{
			channelId,
			monitorId,
			kind: 'reminder',
			idempotencyKey: k('reminder'),
			payload: { kind: 'reminder', monitor, status: 'DOWN', at: '2026-06-01T12:30:00.000Z', since: SINCE, reminder: 1 }
		},
		{
			channelId,
			monitorId,
			kind: 'recovered',
			idempotencyKey: k('recovered'),
			payload: {
				kind: 'recovered',
				monitor,
				status: 'UP',
				at: '2026-06-01T12:35:10.000Z',
				since: '2026-06-01T12:34:10.000Z',
				durationSeconds: 250
			}
		},
		{
			channelId,
			monitorId: null,
			kind: 'test',
			idempotencyKey: k('test'),
			payload: { kind: 'test', at: AT, channel: { name: channelName } }
		}
	];
}

describe.each(DRIVERS)('alert channels on %s', (driver) => {
	let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
	let app: App;
	let listener: Listener;
	let monitorId: number;
	let written = 0;

	beforeAll(async () => {
		scratch = await createScratchDatabase(driver);
		listener = await listen('127.0.0.1');
		const config = loadConfig({ DATABASE_URL: scratch.url, PROBE_WORKER: 'on', LOG_LEVEL: 'error', SITE_TIMEZONE: 'UTC' });
		app = await startApp(config, { scheduler: { spreadMs: () => 0, refreshMs: 200, onCheck: (e) => void (e.written && written++) } });
		// Each test runs its own sender, with a logger it can read.
		await app.sender?.stop();
		const r = validateMonitorList([
			{ ...monitor, type: 'TCP', cron: '*/5 * * * * *', type_data: { hosts: [{ host: '127.0.0.1', port: listener.port, timeout: 2000 }] } }
		]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(app.database.db, r.value);
		monitorId = (await app.database.db.query.monitors.findFirst())!.id;
		await app.scheduler!.refresh();
	}, 30_000);
	afterAll(async () => {
		await stopApp();
		await listener?.close();
		await scratch?.drop();
	});

	it('delivers each kind to Slack, Discord, email and a signed webhook', { timeout: 30_000 }, async () => {
		const { db } = app.database;
		const slack = await httpReceiver();
		const discord = await httpReceiver(() => 204);
		const hook = await httpReceiver();
		const smtp = await smtpReceiver();
		const log = recordingLogger();
		const sender = new Sender({ db, log, pollMs: 50, timeoutMs: 5000 });
		let ch: Record<'slack' | 'discord' | 'hook' | 'email', number>;
		try {
			ch = {
				slack: await createChannel(db, { name: 'slack-ops', type: 'slack', config: { url: `${slack.url}services/T/B/x` } }),
				discord: await createChannel(db, { name: 'discord-ops', type: 'discord', config: { url: `${discord.url}api/webhooks/1/x` } }),
				hook: await createChannel(db, { name: 'hook-ops', type: 'webhook', config: { url: hook.url, secret: SECRET } }),
				email: await createChannel(db, {
					name: 'mail-ops',
					type: 'email',
					config: {
						host: '127.0.0.1',
						port: smtp.port,
						secure: false,
						user: 'alerts',
						password: 'pw',
						from: 'porthole@example.test',
						to: ['ops@example.test', 'oncall@example.test']
					}
				})
			};
			for (const [name, id] of Object.entries(ch)) await enqueueAlerts(db, fourKinds(id, `${name}-ops`, monitorId));
			sender.start();
			await waitFor(async () => (await listOutbox(db)).every((o) => o.deliveredAt !== null), '16 deliveries');
		} finally {
			await sender.stop();
			await Promise.all([slack.close(), discord.close(), hook.close(), smtp.close()]);
		}
		expect(log.lines).toEqual([]);
		// The monitor's three arrive in queue order on every channel; the test message (no monitor) whenever.
		const order = ['down', 'reminder', 'recovered'];

		// Slack: text (the notification) and blocks, POSTed to the URL as given.
		expect(slack.got.map((g) => g.path)).toEqual(Array(4).fill('/services/T/B/x'));
		expect(slack.got.map((g) => g.headers['content-type'])).toEqual(Array(4).fill('application/json'));
		const slackText = (kind: string) => slack.got.find((g) => (g.body.text as string).includes(kind))?.body.text;
		expect(slack.got.map((g) => g.body.text).filter((t) => !String(t).includes('Test message'))).toEqual([
			'🔴 Database (db) is DOWN since 2026-06-01 12:00:00 UTC',
			'🟠 Database (db) is still DOWN after 30 min (since 2026-06-01 12:00:00 UTC, reminder 1)',
			'🟢 Database (db) is UP again, down for 4 min 10 s (recovered 2026-06-01 12:34:10 UTC)'
		]);
		expect(slackText('Test message')).toBe('🔵 Test message from Porthole to channel "slack-ops", sent 2026-06-01 12:01:00 UTC');
		expect(slack.got.every((g) => Array.isArray(g.body.blocks) && (g.body.blocks as unknown[]).length === 2)).toBe(true);

		// Discord: content and one embed in the kind's colour, answered 204.
		const colours = discord.got.map((g) => [
			(g.body.embeds as { title: string; color: number }[])[0].title,
			(g.body.embeds as { color: number }[])[0].color
		]);
		expect(colours).toEqual(
			expect.arrayContaining([
				['DOWN: Database (db)', 0xd92d20],
				['STILL DOWN: Database (db)', 0xf79009],
				['RECOVERED: Database (db)', 0x12b76a],
				['TEST: discord-ops', 0x2e90fa]
			])
		);
		expect(
			discord.got
				.filter((g) => g.body.content !== undefined && !String(g.body.content).includes('Test'))
				.map((g) => String(g.body.content).split(' ')[0])
		).toEqual(['🔴', '🟠', '🟢']);

		// Webhook: signed over the exact bytes, the key in the header and the body.
		for (const g of hook.got) {
			expect(g.headers['x-porthole-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(g.raw).digest('hex')}`);
			expect(g.headers['idempotency-key']).toBe(g.body.id);
		}
		expect(hook.got.map((g) => g.body.kind).filter((k) => k !== 'test')).toEqual(order);
		expect(hook.got.find((g) => g.body.kind === 'test')?.body).toEqual({
			version: 1,
			id: `porthole-${ch.hook}-test`,
			kind: 'test',
			at: AT,
			channel: { name: 'hook-ops' }
		});
		expect(hook.got.find((g) => g.body.kind === 'reminder')?.body).toMatchObject({ reminder: 1, since: SINCE });

		// Email: through SMTP AUTH to both recipients, subject, both parts, the key in Message-ID and a header.
		expect(smtp.mails).toHaveLength(4);
		expect(smtp.mails.every((m) => m.user === 'alerts' && m.from === 'porthole@example.test')).toBe(true);
		expect(smtp.mails.every((m) => m.to.join() === 'ops@example.test,oncall@example.test')).toBe(true);
		expect(smtp.mails.map((m) => m.parsed.subject).filter((s) => !s?.includes('TEST'))).toEqual([
			'[Porthole] DOWN: Database (db)',
			'[Porthole] STILL DOWN: Database (db)',
			'[Porthole] RECOVERED: Database (db)'
		]);
		const down = smtp.mails.find((m) => m.parsed.subject === '[Porthole] DOWN: Database (db)')!.parsed;
		expect(down.text).toContain('Database (db) is DOWN since 2026-06-01 12:00:00 UTC');
		expect(down.html).toContain('<strong>DOWN</strong>: Database (db) is DOWN since 2026-06-01 12:00:00 UTC');
		expect(down.messageId).toBe(`<porthole-${ch.email}-down@porthole>`);
		expect(down.headers.get('x-porthole-idempotency-key')).toBe(`porthole-${ch.email}-down`);

		// The log: one 2xx (or SMTP 250) per message.
		const deliveries = await listDeliveries(app.database.db);
		expect(deliveries).toHaveLength(16);
		expect(deliveries.filter((d) => d.error === null).length).toBe(16);
		expect(deliveries.map((d) => d.statusCode).sort()).toEqual(
			[...Array(8).fill(200), ...Array(4).fill(204), ...Array(4).fill(250)].sort()
		);
	});

	it(
		'gives a clear error for a refused SMTP host, a URL not http(s) and a Slack 404, retries, and the loop keeps writing',
		{ timeout: 30_000 },
		async () => {
			const { db } = app.database;
			const gone = await httpReceiver(() => [404, 'no_service']);
			const log = recordingLogger();
			const sender = new Sender({ db, log, pollMs: 50, retryBaseMs: 100, retryCapMs: 200, timeoutMs: 2000 });
			const smtpPort = await closedPort();
			const before = written;
			try {
				const channels = [
					await createChannel(db, {
						name: 'mail-away',
						type: 'email',
						config: {
							host: '127.0.0.1',
							port: smtpPort,
							secure: false,
							user: null,
							password: null,
							from: 'p@example.test',
							to: ['o@example.test']
						}
					}),
					await createChannel(db, { name: 'slack-ftp', type: 'slack', config: { url: 'ftp://127.0.0.1/hooks' } }),
					await createChannel(db, { name: 'slack-gone', type: 'slack', config: { url: `${gone.url}services/T/B/old` } })
				];
				await enqueueAlerts(
					db,
					channels.map((channelId) => fourKinds(channelId, 'x', monitorId)[0])
				);
				const mine = async () => (await listOutbox(db)).filter((o) => channels.includes(o.channelId));
				sender.start();
				// Each retried at least twice while the loop writes two more checks (one every 5 s).
				await waitFor(async () => (await mine()).every((o) => o.attempts >= 2) && written >= before + 2, 'retries and checks');
				await sender.stop();
				const rows = await mine();
				const errors = [/^SMTP 127\.0\.0\.1:\d+: .*ECONNREFUSED/, /^the Slack URL is not http\(s\)$/, /^Slack answered 404: no_service$/];
				for (const [i, o] of rows.entries()) {
					expect(o).toMatchObject({ deliveredAt: null, gaveUpAt: null });
					expect(o.lastError).toMatch(errors[i]);
					const attempts = (await listDeliveries(db)).filter((d) => d.outboxId === o.id);
					expect(attempts.length).toBe(o.attempts);
					expect(attempts.every((d) => errors[i].test(d.error ?? ''))).toBe(true);
					expect(attempts.every((d) => d.statusCode === (i === 2 ? 404 : null))).toBe(true);
					expect(log.lines.filter((l) => l.includes(o.idempotencyKey) && l.includes(o.lastError!) && l.includes('retry at'))).toHaveLength(
						o.attempts
					);
				}
				// Slack was asked (and said no) once per attempt; the ftp URL was never tried.
				expect(gone.got.length).toBe(rows[2].attempts);
			} finally {
				await sender.stop();
				await gone.close();
			}
			// The probe loop went on: its checks of the monitor (UP: its listener accepts) kept coming.
			expect(written).toBeGreaterThanOrEqual(before + 2);
			expect(listener.accepted).toBeGreaterThanOrEqual(2);
		}
	);
});
