// Property-based tests (fast-check) of every write endpoint and the monitor
// form action, through the real HTTP server: random JSON, malformed JSON,
// wrongly typed fields, oversized (1 MB) bodies, wrong content types. Each
// must get a 4xx with a message, never a 5xx, and leave the database exactly
// as it was (the admin export and the public list compared before and after).
// Bodies the validator would accept are filtered out before sending, so no
// run can create a monitor or probe anything (and every host in a generated
// body is 127.0.0.1 anyway). Runs per property are bounded to keep the file
// well under a minute.
import { test, type APIRequestContext, type Page } from '@playwright/test';
import fc from 'fast-check';
import { validateMonitor, validateMonitorList } from '../../src/lib/server/monitors/validate';
import { readMonitorForm, validateMonitorForm } from '../../src/lib/server/admin/form';
import { expect, signIn } from './admin-helpers';
import { expectFormRefused, MB, monitorFormBody as formBody, monitorsSnapshot, postForm as post, spelled } from './pbt-helpers';

test.describe.configure({ mode: 'serial' });

const RUNS = 50;
let page: Page;
let api: APIRequestContext;
let key = '';

test.beforeAll(async ({ browser }) => {
	page = await browser.newPage();
	await signIn(page);
	await page.goto('/admin/keys');
	await page.getByLabel('Name').fill('property tests');
	await page.getByLabel('Write').check();
	await page.getByRole('button', { name: 'Create key' }).click();
	await expect(page.getByTestId('new-key')).toContainText('property tests');
	key = (await page.getByTestId('new-key').locator('code').textContent())!.trim();
	api = page.request;
});

test.afterAll(async () => {
	await page?.close();
});

/** Everything a write could change: the admin export (every field of every monitor) and the public list. */
const snapshot = () => monitorsSnapshot(api);

const VALID = {
	tag: 'pbt-valid',
	name: 'Property test',
	type: 'TCP',
	cron: '* * * * *',
	type_data: { hosts: [{ type: 'tcp', host: '127.0.0.1', port: 9, timeout: 1000 }] }
};

/** Replaces the value at a path of the valid body with something of another type. */
const wrongValue = fc.oneof(
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	fc.string({ maxLength: 20 }),
	fc.array(fc.integer(), { maxLength: 3 }),
	fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 })
);
const PATHS = [
	['tag'],
	['name'],
	['type'],
	['cron'],
	['type_data'],
	['type_data', 'hosts'],
	['type_data', 'hosts', 0],
	['type_data', 'hosts', 0, 'port'],
	['type_data', 'hosts', 0, 'host'],
	['type_data', 'hosts', 0, 'timeout'],
	['type_data', 'hosts', 0, 'type'],
	['public'],
	['active'],
	['eval'],
	['description'],
	['order']
];
const wronglyTyped = fc.tuple(fc.constantFrom(...PATHS), wrongValue).map(([path, v]) => {
	const body = structuredClone(VALID) as Record<string, unknown>;
	let o = body as Record<string | number, unknown>;
	for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
	o[path.at(-1)!] = v;
	return JSON.stringify(body);
});
const randomJson = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null');
const malformed = fc
	.oneof(
		fc.string({ maxLength: 40 }),
		randomJson.map((s) => s.slice(0, Math.max(1, s.length - 1)) + '{'),
		fc.constantFrom('', '{', '{"tag":', "{'tag':'x'}", '[1,2,', '\u0000', '{"a":1}}', 'NaN', '{"tag":"x",}')
	)
	.filter((s) => {
		try {
			JSON.parse(s);
			return false;
		} catch {
			return true;
		}
	});
const anyBody = fc.oneof(randomJson, malformed, wronglyTyped);

async function expect4xx(label: string, r: Awaited<ReturnType<APIRequestContext['fetch']>>) {
	const status = r.status();
	const text = await r.text();
	expect(status, `${label} → ${status} ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
	expect(status, `${label} → ${status} ${text.slice(0, 300)}`).toBeLessThan(500);
	let message: unknown;
	try {
		message = JSON.parse(text).error ?? JSON.parse(text).message ?? '';
	} catch {
		message = text;
	}
	expect(String(message).trim().length, `${label}: a message says why`).toBeGreaterThan(3);
}

const auth = () => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

interface Endpoint {
	method: 'POST' | 'PUT' | 'PATCH';
	url: string;
	/** What the server validates, given the body we send: sent only when this rejects it. */
	wouldAccept: (body: unknown) => boolean;
}

function parsed(s: string): { ok: true; v: unknown } | { ok: false } {
	try {
		return { ok: true, v: JSON.parse(s) };
	} catch {
		return { ok: false };
	}
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

let localEcho: Record<string, unknown> = {};
const ENDPOINTS: Endpoint[] = [
	{ method: 'POST', url: '/api/v1/monitors', wouldAccept: (b) => validateMonitor(b).ok },
	{
		method: 'PUT',
		url: '/api/v1/monitors/local-echo',
		wouldAccept: (b) => validateMonitor(isObj(b) && b.tag === undefined ? { ...b, tag: 'local-echo' } : b).ok
	},
	{ method: 'PATCH', url: '/api/v1/monitors/local-echo', wouldAccept: (b) => isObj(b) && validateMonitor({ ...localEcho, ...b }).ok },
	{
		method: 'POST',
		url: '/api/v1/check',
		wouldAccept: (b) => isObj(b) && validateMonitor({ tag: 'unsaved', name: 'unsaved', type: 'TCP', ...b }).ok
	}
];

test('API writes: random, malformed and wrongly typed bodies get 4xx with a message and change nothing', async () => {
	test.setTimeout(90_000);
	const exported = (await (await api.get('/admin/export.json')).json()) as Record<string, unknown>[];
	localEcho = exported.find((m) => m.tag === 'local-echo')!;
	expect(localEcho).toBeTruthy();
	const before = await snapshot();
	for (const ep of ENDPOINTS) {
		let sent = 0;
		await fc.assert(
			fc.asyncProperty(anyBody, async (body) => {
				const p = parsed(body);
				fc.pre(!(p.ok && ep.wouldAccept(p.v)));
				sent++;
				const r = await api.fetch(spelled(ep.url), { method: ep.method, headers: auth(), data: body });
				await expect4xx(`${ep.method} ${ep.url} ${body.slice(0, 120)}`, r);
			}),
			{ numRuns: RUNS, seed: Number(process.env.PBT_SEED ?? Date.now() % 2 ** 31) }
		);
		expect(sent, ep.url).toBeGreaterThan(RUNS / 2);
		expect(await snapshot(), `${ep.method} ${ep.url} changed the database`).toBe(before);
	}
});

test('API writes: oversized bodies and wrong content types get 4xx and change nothing', async () => {
	const before = await snapshot();
	const huge = [
		JSON.stringify({ ...VALID, name: 'x'.repeat(MB) }),
		JSON.stringify({ ...VALID, description: 'y'.repeat(MB) }),
		'{' + ' '.repeat(MB),
		'['.repeat(MB),
		JSON.stringify({ ...VALID, type_data: { hosts: Array.from({ length: 40_000 }, () => VALID.type_data.hosts[0]) } })
	];
	for (const ep of ENDPOINTS) {
		for (const body of huge) {
			const r = await api.fetch(spelled(ep.url), { method: ep.method, headers: auth(), data: body });
			await expect4xx(`${ep.method} ${ep.url} ${body.length} bytes`, r);
		}
		const plain = await api.fetch(spelled(ep.url), {
			method: ep.method,
			headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
			data: JSON.stringify(VALID)
		});
		await expect4xx(`${ep.method} ${ep.url} as text/plain`, plain);
	}
	expect(await snapshot()).toBe(before);
});

test('deeply nested JSON (200,000 levels) gets 400 naming the depth, on every write and the import; nothing changes', async () => {
	const before = await snapshot();
	const deep = [
		'['.repeat(200_000) + ']'.repeat(200_000),
		'{"tag":' + '['.repeat(150_000) + ']'.repeat(150_000) + '}',
		JSON.stringify({ ...VALID, type_data: { hosts: [{ host: '127.0.0.1', port: 9, extra: JSON.parse('['.repeat(60) + ']'.repeat(60)) }] } })
	];
	for (const ep of ENDPOINTS) {
		for (const body of deep) {
			const r = await api.fetch(spelled(ep.url), { method: ep.method, headers: auth(), data: body });
			expect(r.status(), `${ep.method} ${ep.url} ${body.length} bytes`).toBe(400);
			expect((await r.json()).error).toMatch(/^JSON nested \d+ levels deep; at most 32 allowed$/);
		}
	}
	for (const action of ['preview', 'apply']) {
		const { data } = await expectFormRefused(
			`import ${action} 200,000 deep`,
			await postForm(`/admin/import?/${action}`, [['json', deep[0]]])
		);
		expect(JSON.stringify(data)).toMatch(/nested 200000 levels deep/);
	}
	expect(await snapshot()).toBe(before);
});

const postForm = (url: string, pairs: [string, string][]) => post(api, url, pairs);

test('the monitor form action: random, oversized and nonsense fields get 4xx with a message and change nothing', async () => {
	test.setTimeout(90_000);
	const before = await snapshot();
	for (const url of ['/admin/monitors/new?/save', '/admin/monitors/local-echo/edit?/save']) {
		let sent = 0;
		await fc.assert(
			fc.asyncProperty(formBody, async (pairs) => {
				// Duplicate keys are joined by postForm (one value each), so validate what is actually sent.
				const merged = new Map<string, string>();
				for (const [k, v] of pairs) merged.set(k, (merged.get(k) ?? '') + v);
				const fd = new FormData();
				for (const [k, v] of merged) fd.append(k, v);
				const v = await validateMonitorForm(readMonitorForm(fd), async () => ({ ok: true }));
				fc.pre(!v.ok);
				sent++;
				await expectFormRefused(`${url} ${JSON.stringify(pairs).slice(0, 200)}`, await postForm(url, [...merged]));
			}),
			{ numRuns: 20, seed: Number(process.env.PBT_SEED ?? Date.now() % 2 ** 31) }
		);
		expect(sent).toBeGreaterThan(10);
		for (const big of [
			[
				['name', 'n'.repeat(MB)],
				['tag', 'pbt-big']
			],
			[['eval', 'e'.repeat(MB)]],
			[['tag', 't'.repeat(MB)]]
		] as [string, string][][]) {
			const r = await postForm(url, big);
			const text = await r.text();
			expect(r.status(), `${url} 1 MB → ${r.status()} ${text.slice(0, 300)}`).toBeLessThan(500);
			const j = JSON.parse(text);
			expect(j.type, text.slice(0, 300)).not.toBe('success');
			expect(j.type, text.slice(0, 300)).not.toBe('redirect');
		}
	}
	expect(await snapshot()).toBe(before);
});

test('the import actions: random, malformed and wrongly typed monitor lists are refused and change nothing', async () => {
	const before = await snapshot();
	const list = fc.oneof(
		anyBody,
		fc.array(wronglyTyped, { minLength: 1, maxLength: 3 }).map((xs) => `[${xs.join(',')}]`)
	);
	for (const action of ['preview', 'apply']) {
		let sent = 0;
		await fc.assert(
			fc.asyncProperty(list, async (text) => {
				const p = parsed(text);
				// An empty or valid list is a legitimate import (or a no-op): not what this property is about.
				fc.pre(text.trim() !== '' && !(p.ok && (validateMonitorList(p.v).ok || (isObj(p.v) && validateMonitorList(p.v.monitors).ok))));
				sent++;
				await expectFormRefused(`import ${action} ${text.slice(0, 120)}`, await postForm(`/admin/import?/${action}`, [['json', text]]));
			}),
			{ numRuns: 25, seed: Number(process.env.PBT_SEED ?? Date.now() % 2 ** 31) }
		);
		expect(sent).toBeGreaterThan(10);
	}
	expect(await snapshot()).toBe(before);
});

test('writes to odd or unknown tags in the URL get 4xx and change nothing', async () => {
	const before = await snapshot();
	const tag = fc.oneof(
		fc.string({ minLength: 1, maxLength: 30 }),
		fc.constantFrom('..', '%00', 'a'.repeat(5000), 'LOCAL-ECHO', 'local-echo ', ' ', '\u202e')
	);
	await fc.assert(
		fc.asyncProperty(tag, fc.constantFrom('PUT', 'PATCH', 'DELETE', 'POST'), async (t, method) => {
			fc.pre(!['local-echo', 'secret-hidden', 'paused-inactive'].includes(t));
			const url = `/api/v1/monitors/${encodeURIComponent(t)}${method === 'POST' ? '/check' : ''}`;
			// PUT with an invalid body (no hosts) so it can never create the tag.
			const r = await api.fetch(spelled(url), {
				method,
				headers: auth(),
				data: method === 'DELETE' || method === 'POST' ? undefined : JSON.stringify({ name: 1 })
			});
			await expect4xx(`${method} ${url}`, r);
		}),
		{ numRuns: RUNS, seed: Number(process.env.PBT_SEED ?? Date.now() % 2 ** 31) }
	);
	expect(await snapshot()).toBe(before);
});
