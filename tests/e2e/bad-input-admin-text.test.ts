// The values bad-input-admin.test.ts's properties skip, which the server's
// own checks must refuse before the database would fail on them (a 500): NUL
// in text fields and in URLs, ids past PostgreSQL's integer range. Each is
// refused with a 4xx and the admin's data (keys, admins, export, public list)
// is unchanged.
import { request, test, type APIRequestContext } from '@playwright/test';
import { BASE, EMAIL, PASSWORD, expect } from './admin-helpers';
import { adminState, expectFormRefused, postForm, signedIn, spelled, undevalue, type Pairs } from './pbt-helpers';

let api: APIRequestContext;

test.beforeAll(async () => {
	api = await signedIn();
});

test.afterAll(async () => {
	await api?.dispose();
});

test('text the database cannot store (NUL, in fields and in URLs) and out-of-range ids are refused and change nothing', async () => {
	const created = await postForm(api, '/admin/keys?/create', [
		['name', 'nul tests'],
		['scope', 'write']
	]);
	const key = String((undevalue(JSON.parse((await created.json()).data)) as { created: { key: string } }).created.key);
	expect(key).toMatch(/^ph_/);
	const before = await adminState(api);
	const valid = {
		tag: 'nul-test',
		name: 'NUL test',
		type: 'TCP',
		type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port: 9, timeout: 1000 }] }
	};
	// A form that would save but for the one field.
	const monitorForm = (field: string, v: string): Pairs =>
		Object.entries({
			tag: 'nul-test',
			name: 'NUL test',
			cron: '* * * * *',
			host_type: 'tcp',
			host_host: '127.0.0.1',
			host_port: '9',
			host_timeout: '1000',
			[field]: v
		});
	const forms: [string, Pairs][] = [
		[
			'/admin/keys?/create',
			[
				['name', 'deploy\u0000'],
				['scope', 'read']
			]
		],
		[
			'/admin/keys?/create',
			[
				['name', 'tab\tname'],
				['scope', 'write']
			]
		],
		...['99999999999', '2147483648', '1e3', ' 1', '0x1', '-1', '1.5', ''].map((id): [string, Pairs] => [
			'/admin/keys?/revoke',
			[['id', id]]
		]),
		[
			'/admin/settings?/addAdmin',
			[
				['email', 'x\u0000@porthole.test'],
				['password', 'long enough password']
			]
		],
		[
			'/admin/settings?/addAdmin',
			[
				['email', 'nul-name@porthole.test'],
				['name', 'n\u0000'],
				['password', 'long enough password']
			]
		],
		[
			'/admin/monitors?/toggle',
			[
				['tag', 'local-echo\u0000'],
				['which', 'active'],
				['on', 'false']
			]
		],
		[
			'/admin/monitors?/delete',
			[
				['tag', 'local-echo\u0000'],
				['confirm', 'local-echo\u0000']
			]
		],
		...['name', 'description', 'group', 'eval'].map((f): [string, Pairs] => [
			'/admin/monitors/new?/save',
			monitorForm(f, `a\u0000${f === 'eval' ? ';(async (p) => ({ status: "UP", latency: 1 }))' : ''}`)
		]),
		['/admin/monitors/local-echo/edit?/save', monitorForm('description', 'nul\u0000')],
		['/admin/import?/apply', [['json', JSON.stringify([{ ...valid, name: 'a\u0000b' }])]]]
	];
	for (const [url, pairs] of forms) await expectFormRefused(`${url} ${JSON.stringify(pairs)}`, await postForm(api, url, pairs));
	const anon = await request.newContext({ baseURL: BASE });
	const login = await postForm(anon, '/admin/login', [
		['email', `${EMAIL}\u0000`],
		['password', PASSWORD]
	]);
	expect(login.headers()['set-cookie'] ?? '').not.toMatch(/session/i);
	expect((await expectFormRefused('login with NUL', login)).data.message).toMatch(/control characters/);
	await anon.dispose();
	const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
	for (const [method, url, body] of [
		['POST', '/api/v1/monitors', { ...valid, name: 'a\u0000b' }],
		['POST', '/api/v1/monitors', { ...valid, description: '\u0000' }],
		['PUT', '/api/v1/monitors/local-echo', { ...valid, tag: 'local-echo', group: 'g\u0000' }],
		['PATCH', '/api/v1/monitors/local-echo', { eval: '\u0000' }]
	] as const) {
		const r = await api.fetch(spelled(url), { method, headers: auth, data: JSON.stringify(body) });
		const t = await r.text();
		expect(r.status(), `${method} ${url} ${JSON.stringify(body)} → ${t.slice(0, 200)}`).toBe(400);
		expect(t).toMatch(/NUL/);
	}
	// A NUL in a URL's tag: no monitor has it, on every route that takes a tag.
	const nul = encodeURIComponent('local-echo\u0000');
	for (const method of ['PUT', 'PATCH', 'DELETE']) {
		const r = await api.fetch(spelled(`/api/v1/monitors/${nul}`), {
			method,
			headers: auth,
			data: method === 'DELETE' ? undefined : JSON.stringify({ ...valid, tag: undefined })
		});
		expect([400, 404], `${method} /api/v1/monitors/${nul} → ${r.status()}`).toContain(r.status());
	}
	const reads = ['/api/v1/monitors/', '/monitors/', '/embed/', '/admin/monitors/'].map((p) => `${p}${nul}`);
	reads.push(
		...['days.json', 'latency.json'].map((f) => `/monitors/${nul}/${f}`),
		`/api/v1/monitors/${nul}/check`,
		`/admin/monitors/${nul}/edit`
	);
	reads.push(...['status.svg', 'uptime.json', 'dot.svg'].map((f) => `/badge/${nul}/${f}`), `/embed/${nul}/snippet.json`);
	for (const url of reads) {
		const r = await api.fetch(spelled(url), {
			method: url.endsWith('/check') ? 'POST' : 'GET',
			headers: { authorization: `Bearer ${key}` },
			maxRedirects: 0
		});
		expect([303, 404], `${url} → ${r.status()}`).toContain(r.status());
	}
	expect(await adminState(api)).toBe(before);
});
