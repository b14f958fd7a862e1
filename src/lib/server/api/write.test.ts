import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, openTestDatabase, truncateAll, type TestDatabase } from '../db/testing';
import { monitors } from '../db/schema';
import { EvalSandbox } from '../eval/sandbox';
import { exportMonitors } from '../admin/transfer';
import { checkBody, createMonitor, readJson, removeMonitor, replaceMonitor, updateMonitor, type WriteDeps } from './write';

const sandbox = new EvalSandbox();
const checkEvalSyntax = sandbox.checkSyntax;
afterAll(() => sandbox.stop());

const body = (over: Record<string, unknown> = {}) => ({
	tag: 'db',
	name: 'Database',
	type: 'TCP',
	type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port: 5432, timeout: 1000 }] },
	...over
});

describe.each(DRIVERS)('API writes on %s', (driver) => {
	let t: TestDatabase;
	let d: WriteDeps;
	let changes = 0;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
		// The scheduler the monitor service tells after each write.
		const scheduler = { refresh: async () => void changes++ };
		d = { app: { database: { db: t.db }, scheduler }, checkEval: checkEvalSyntax };
	});
	afterAll(async () => {
		await t?.destroy();
	});
	beforeEach(async () => {
		await truncateAll(t);
		changes = 0;
	});

	const snapshot = async () => JSON.stringify(await exportMonitors(t.db));

	it('creates (201), refuses a duplicate tag (409) and tells the scheduler', async () => {
		const r = await createMonitor(d, body());
		expect(r.status).toBe(201);
		expect(r.body).toMatchObject({ tag: 'db', cron: '* * * * *', public: true, eval: null });
		expect(changes).toBe(1);
		expect(await createMonitor(d, body())).toMatchObject({ status: 409 });
		expect(changes).toBe(1);
	});

	it('answers an invalid body with 400 and one message per field, writing nothing', async () => {
		await createMonitor(d, body());
		const before = await snapshot();
		const r = await createMonitor(d, {
			tag: 'Bad Tag',
			name: '',
			type: 'HTTP',
			type_data: { hosts: [{ host: 'x', port: 0, timeout: 99999 }] },
			cron: 'nope',
			extra: 1
		});
		expect(r.status).toBe(400);
		const paths = (r.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
		expect(paths).toEqual(['cron', 'extra', 'name', 'tag', 'type', 'type_data.hosts[0].port', 'type_data.hosts[0].timeout'].sort());
		const syntax = await replaceMonitor(d, 'db', body({ eval: '(function (p) { return { status: "UP" latency: 1 } })' }));
		expect(syntax.status).toBe(400);
		expect((syntax.body as { errors: { path: string; message: string }[] }).errors[0]).toMatchObject({
			path: 'eval',
			message: expect.stringContaining('SyntaxError')
		});
		expect(await updateMonitor(d, 'db', { type_data: { hosts: [] } })).toMatchObject({ status: 400 });
		expect(await updateMonitor(d, 'db', [1, 2])).toMatchObject({ status: 400 });
		expect(await snapshot()).toBe(before);
		expect(changes).toBe(1);
	});

	it('PUT creates or replaces whole, and renames when the body says so', async () => {
		expect((await replaceMonitor(d, 'db', body({ tag: undefined }))).status).toBe(201);
		const replaced = await replaceMonitor(d, 'db', body({ name: 'Primary DB' }));
		expect(replaced).toMatchObject({ status: 200, body: { name: 'Primary DB', description: '' } });
		await createMonitor(d, body({ tag: 'other' }));
		expect(await replaceMonitor(d, 'db', body({ tag: 'other' }))).toMatchObject({ status: 409 });
		expect(await replaceMonitor(d, 'db', body({ tag: 'primary' }))).toMatchObject({ status: 200 });
		expect((await t.db.select().from(monitors)).map((m) => m.tag).sort()).toEqual(['other', 'primary']);
	});

	it('PATCH changes only the fields given', async () => {
		await createMonitor(d, body({ description: 'keep me', public: false }));
		const r = await updateMonitor(d, 'db', { active: false, cron: '*/30 * * * * *' });
		expect(r).toMatchObject({ status: 200, body: { active: false, cron: '*/30 * * * * *', description: 'keep me', public: false } });
		expect(await updateMonitor(d, 'nope', { active: false })).toMatchObject({ status: 404 });
	});

	it('DELETE answers 204, then 404', async () => {
		await createMonitor(d, body());
		expect(await removeMonitor(d, 'db')).toEqual({ status: 204, body: null });
		expect(await removeMonitor(d, 'db')).toMatchObject({ status: 404 });
	});

	it('POST /check validates the unsaved body before probing anything', async () => {
		let probed = 0;
		const r = await checkBody({ type_data: { hosts: [{ host: '127.0.0.1', port: 99999 }] } }, checkEvalSyntax, async () => {
			probed++;
			throw new Error('must not run');
		});
		expect(r.status).toBe(400);
		expect(probed).toBe(0);
		expect(await t.db.select().from(monitors)).toHaveLength(0);
	});

	it('keeps the probe fields of a host (PUT, PATCH) and names a bad one in the 400', async () => {
		const hosts = [{ type: 'tcp', host: 'cache', port: 6379, timeout: 1000, send: 'PING\r\n', expect: '+PONG', tls: true }];
		const r = await createMonitor(d, body({ type_data: { hosts } }));
		expect(r).toMatchObject({ status: 201, body: { type_data: { hosts } } });
		expect(await updateMonitor(d, 'db', { name: 'Cache' })).toMatchObject({ status: 200, body: { type_data: { hosts } } });
		expect((await exportMonitors(t.db))[0].type_data.hosts).toEqual(hosts);
		const before = await snapshot();
		const bad = await updateMonitor(d, 'db', { type_data: { hosts: [{ host: 'cache', send: 'x'.repeat(1025), expect: '+' }] } });
		expect(bad.status).toBe(400);
		expect((bad.body as { errors: unknown[] }).errors).toEqual([
			{ path: 'type_data.hosts[0].send', message: 'must be at most 1024 bytes' }
		]);
		expect(await snapshot()).toBe(before);
	});
});

describe('readJson', () => {
	const req = (b: string, type = 'application/json') =>
		new Request('http://x/api', { method: 'POST', body: b, headers: { 'content-type': type } });
	it('needs JSON and says why not', async () => {
		expect(await readJson(req('{"a":1}'))).toEqual({ ok: true, body: { a: 1 } });
		expect(await readJson(req('{"a":'))).toMatchObject({ ok: false, reply: { status: 400 } });
		expect(await readJson(req('a=1', 'application/x-www-form-urlencoded'))).toMatchObject({ ok: false, reply: { status: 415 } });
	});
});
