// The TLS and expect fields through the real database (both drivers): host
// fields in the stored monitor, export and import; result fields in a
// written check, read back by the pages' query.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../testing';
import { latestPings, recordCheck } from './checks';
import { forgetCheckCaches } from './check-hosts';
import { getMonitorSpec, upsertMonitors } from './monitors';
import { validateMonitor } from '../../monitors/validate';
import { exportMonitors, planImport } from '../../admin/transfer';
import type { Ping } from '../../types';

const spec = {
	tag: 'mail',
	name: 'Mail',
	type: 'TCP',
	type_data: {
		hosts: [
			{ host: 'mail.example.com', port: 465, tls: true, preset: 'smtp' },
			{ host: 'cache.example.com', port: 6379, send: 'PING\r\n', expect: '/^\\+PONG/' },
			{ host: '10.0.0.5', port: 22 }
		]
	}
};

const pings: Ping[] = [
	{
		status: 'open',
		latency: 0.812,
		host: 'mail.example.com',
		port: 465,
		type: 'tcp',
		address: '192.0.2.25',
		dnsLatency: 2.1,
		tlsLatency: 4.337,
		tlsProtocol: 'TLSv1.3',
		certValidTo: '2026-12-11T10:00:00.000Z',
		certDaysLeft: 4,
		tlsError: 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
		banner: '220 mail.example.com ESMTP\\r\\n',
		matched: true
	},
	{
		status: 'error',
		latency: 0.3,
		host: 'cache.example.com',
		port: 6379,
		type: 'tcp',
		address: '192.0.2.26',
		dnsLatency: 1,
		banner: '-NOAUTH Authentication required.\\r\\n',
		matched: false,
		error: 'EEXPECT: expected "/^\\\\+PONG/", got "-NOAUTH Authentication required.\\r\\n"'
	},
	{ status: 'open', latency: 0.2, host: '10.0.0.5', port: 22, type: 'tcp', address: '10.0.0.5', dnsLatency: 0 }
];

describe.each(DRIVERS)('TLS and expect fields on %s', (driver) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
	});
	afterAll(async () => t?.destroy());
	beforeEach(async () => {
		await truncateAll(t);
		forgetCheckCaches(t.db);
		const r = validateMonitor(spec);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(t.db, [r.value]);
	});

	it('stores the host fields as given; export gives them back and importing that changes nothing', async () => {
		const stored = await getMonitorSpec(t.db, 'mail');
		expect(stored!.type_data.hosts).toEqual([
			{ type: 'tcp', host: 'mail.example.com', port: 465, timeout: 1000, preset: 'smtp', tls: true },
			{ type: 'tcp', host: 'cache.example.com', port: 6379, timeout: 1000, send: 'PING\r\n', expect: '/^\\+PONG/' },
			{ type: 'tcp', host: '10.0.0.5', port: 22, timeout: 1000 }
		]);
		const exported = await exportMonitors(t.db);
		expect(exported[0].type_data.hosts).toEqual(stored!.type_data.hosts);
		const plan = await planImport(t.db, JSON.stringify(exported), async () => ({ ok: true }));
		expect(plan.ok && plan.rows.map((r) => r.action)).toEqual(['unchanged']);
	});

	it('writes a check with every new result field and reads it back exactly (after the caches are dropped)', async () => {
		const id = (await t.db.query.monitors.findFirst())!.id;
		const ok = await recordCheck(
			t.db,
			{ monitorId: id, ts: new Date('2026-12-06T10:00:00Z'), status: 'DOWN', latency: 0.437, pings, error: null },
			'UTC'
		);
		expect(ok).toBe(true);
		forgetCheckCaches(t.db);
		const back = await latestPings(t.db, id);
		expect(back).toEqual(pings);
		expect(back.map((p) => Object.keys(p))).toEqual(pings.map((p) => Object.keys(p)));
	});
});
