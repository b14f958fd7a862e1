// CHANNELS_FILE at start, through the real app (startApp) on both drivers: a
// bad file stops the start naming the field and writes nothing; a good one is
// synced before MONITORS_FILE, with ${VAR} read from the environment given to
// loadConfig.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchDatabase, DRIVERS } from '../../src/lib/server/db/testing';
import { loadConfig } from '../../src/lib/server/config';
import { startApp, stopApp } from '../../src/lib/server/app';
import { openDatabase } from '../../src/lib/server/db/index';
import { listChannelRows } from '../../src/lib/server/db/queries/alert-channels';
import { listMonitors } from '../../src/lib/server/db/queries/monitors';
import { ChannelsFileError } from '../../src/lib/server/alerts/channels-file';

const dir = mkdtempSync(join(tmpdir(), 'porthole-channels-start-'));
const file = (name: string, content: unknown) => {
	const p = join(dir, name);
	writeFileSync(p, JSON.stringify(content));
	return p;
};
const monitorsFile = file('monitors.json', [
	{ tag: 'db', name: 'Database', type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] } }
]);

describe.each(DRIVERS)('CHANNELS_FILE at start on %s', (driver) => {
	let drop: (() => Promise<void>) | undefined;
	afterEach(async () => {
		await stopApp();
		await drop?.();
	});

	async function start(channels: unknown, env: Record<string, string> = {}) {
		const scratch = await createScratchDatabase(driver);
		drop = scratch.drop;
		const config = loadConfig({
			...env,
			DATABASE_URL: scratch.url,
			LOG_LEVEL: 'error',
			CHANNELS_FILE: file(`channels-${driver}.json`, channels),
			MONITORS_FILE: monitorsFile
		});
		return { url: scratch.url, started: startApp(config, { loop: false, snapshot: false }) };
	}

	it('stops the start on a bad file, naming the field, and writes nothing (monitors neither)', async () => {
		const { url, started } = await start([{ name: 'hook', type: 'webhook', url: 'https://example.com', secret: '${HOOK_SECRET}' }]);
		const err = await started.catch((e) => e);
		expect(err).toBeInstanceOf(ChannelsFileError);
		expect(err.message).toContain('channels[0].secret: environment variable HOOK_SECRET is not set');
		const db = await openDatabase({ url, max: 1 });
		try {
			expect(await listChannelRows(db.db)).toEqual([]);
			expect(await listMonitors(db.db)).toEqual([]);
		} finally {
			await db.close();
		}
	});

	it('syncs the channels, secrets from the environment, then the monitors', async () => {
		const { started } = await start([{ name: 'hook', type: 'webhook', url: 'https://example.com/h', secret: '${HOOK_SECRET}' }], {
			HOOK_SECRET: 'from-the-environment-1234'
		});
		const app = await started;
		const [row] = await listChannelRows(app.database.db);
		expect([row.name, row.source, row.config]).toEqual([
			'hook',
			'file',
			{ url: 'https://example.com/h', secret: 'from-the-environment-1234' }
		]);
		expect((await listMonitors(app.database.db)).map((m) => m.tag)).toEqual(['db']);
	});
});
