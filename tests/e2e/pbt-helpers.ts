// Shared by the property-based e2e files (bad-input*.test.ts): posting form
// actions the way SvelteKit's enhanced forms do, reading their answers, and
// reading page data to compare before and after.
import { request, type APIRequestContext, type APIResponse } from '@playwright/test';
import fc from 'fast-check';
import { BASE, EMAIL, PASSWORD, expect, setupLink } from './admin-helpers';

export const MB = 1_000_001;
export const SEED = Number(process.env.PBT_SEED ?? Date.now() % 2 ** 31);

let turn = 0;

/**
 * Every other request of the property tests goes to a percent-encoded
 * spelling of its path (letters as %xx, hex case alternating): the router
 * decodes it to the same route, so it must get the same answer. The guard
 * judges the route, not the spelling (guard-encoded.test.ts walks the rest).
 */
export function spelled(url: string): string {
	if (turn++ % 2 === 0) return url;
	const q = url.indexOf('?');
	const [path, query] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
	let n = 0;
	// Letters only, never inside an escape the path already has (%3A stays %3A).
	const encoded = path.replace(/%[0-9a-f]{2}|[a-z]/gi, (c) => {
		if (c.length > 1 || n++ % 3 !== 0) return c;
		const h = c.charCodeAt(0).toString(16);
		return '%' + (n % 2 ? h.toUpperCase() : h);
	});
	return encoded + query;
}

/** A form part: text, or a file where the action expects text (a wrongly typed field). */
export type Part = string | { file: string };
export type Pairs = [string, Part][];

export function formData(pairs: Pairs): FormData {
	const fd = new FormData();
	for (const [k, v] of pairs) fd.append(k, typeof v === 'string' ? v : new File([v.file], 'x.txt', { type: 'text/plain' }));
	return fd;
}

/**
 * Posts a form action as the browser's enhanced form does (JSON answer; the
 * CSRF origin check passes): multipart, or url-encoded when asked and there
 * are no files. Repeated keys stay repeated.
 */
export function postForm(api: APIRequestContext, url: string, pairs: Pairs, urlencoded = false): Promise<APIResponse> {
	const headers = { origin: BASE, accept: 'application/json', 'x-sveltekit-action': 'true' };
	if (urlencoded && pairs.every(([, v]) => typeof v === 'string')) {
		return api.fetch(spelled(url), {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
			data: new URLSearchParams(pairs as [string, string][]).toString()
		});
	}
	return api.fetch(spelled(url), { method: 'POST', headers, multipart: formData(pairs) });
}

/** Posts a body that is not a form (JSON, plain text) to a form action. */
export function postNotForm(api: APIRequestContext, url: string, contentType: string, body: string): Promise<APIResponse> {
	return api.fetch(spelled(url), {
		method: 'POST',
		headers: { origin: BASE, accept: 'application/json', 'x-sveltekit-action': 'true', 'content-type': contentType },
		data: body
	});
}

/**
 * Decodes devalue's flattened form, which SvelteKit uses for action data and
 * __data.json. Enough for plain data: objects, arrays, strings, numbers,
 * and tagged values such as ["Date", iso] (returned as the iso text).
 */
export function undevalue(flat: unknown[]): unknown {
	const at = (i: number): unknown => {
		if (i < 0) return undefined; // -1 undefined, -2 hole, -3 NaN...: not in the data checked here
		const v = flat[i];
		if (Array.isArray(v)) return typeof v[0] === 'string' ? v[1] : v.map((j) => at(j as number));
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, j]) => [k, at(j as number)]));
		return v;
	};
	return at(0);
}

/** Strings anywhere in a value. */
const strings = (v: unknown): string[] =>
	typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];

/**
 * The action refused the input: a 4xx failure whose data says why (a
 * `message`, or `errors` per field), or a 4xx error with a message (SvelteKit's
 * own 413 / 415) — never a 5xx, a success or a redirect.
 */
export async function expectFormRefused(label: string, r: APIResponse): Promise<{ status: number; data: Record<string, unknown> }> {
	const text = await r.text();
	const what = `${label} → ${r.status()} ${text.slice(0, 300)}`;
	expect(r.status(), what).toBeLessThan(500);
	const j = JSON.parse(text);
	expect(['failure', 'error'], what).toContain(j.type);
	if (j.type === 'failure') {
		expect(j.status, what).toBeGreaterThanOrEqual(400);
		expect(j.status, what).toBeLessThan(500);
		const data = undevalue(JSON.parse(j.data)) as Record<string, unknown>;
		const said = [...strings(data.message), ...strings(data.errors)];
		expect(
			said.some((s) => s.trim().includes(' ')),
			`${what}: a message names the problem`
		).toBe(true);
		return { status: j.status, data };
	}
	expect(r.status(), what).toBeGreaterThanOrEqual(400);
	expect(String(j.error?.message ?? '').trim().length, `${what}: a message says why`).toBeGreaterThan(3);
	return { status: r.status(), data: j.error };
}

/** The raw load data of a page (its __data.json): compared as text before and after. */
export async function pageData(api: APIRequestContext, path: string): Promise<string> {
	const r = await api.get(`${path.replace(/\/$/, '')}/__data.json`);
	expect(r.status(), `${path} data`).toBe(200);
	const text = await r.text();
	expect(text, `${path} data is the page's (signed in)`).toContain('"type":"data"');
	return text;
}

/** The page's own load data (the last node), decoded. */
export async function pageValues(api: APIRequestContext, path: string): Promise<Record<string, unknown>> {
	const j = JSON.parse(await pageData(api, path));
	const node = j.nodes.filter((n: { type: string } | null) => n?.type === 'data').at(-1);
	return undevalue(node.data) as Record<string, unknown>;
}

/** Every field of every monitor (the admin export) and the public list's tags and names (not their status, which moves). */
export async function monitorsSnapshot(api: APIRequestContext): Promise<string> {
	const exp = await api.get('/admin/export.json');
	expect(exp.status()).toBe(200);
	const list = await api.get('/api/v1/monitors');
	expect(list.status()).toBe(200);
	const pub = (await list.json()).monitors.map((m: { tag: string; name: string }) => [m.tag, m.name]);
	return (await exp.text()) + JSON.stringify(pub);
}

/** Text that is awkward for a server: NUL and other control characters, long runs, look-alikes. */
export const nasty = fc.constantFrom(
	'',
	' ',
	'\u0000',
	'a\u0000b',
	'\u0007\u001b[31m',
	'\t\n',
	'x'.repeat(300),
	'\u202e',
	'%00',
	'0x10',
	'-1',
	'1e309',
	'NaN',
	'[object File]'
);

// The monitor editor's form: every field it reads, plus a few it does not.
const MONITOR_FIELDS = [
	'tag',
	'name',
	'description',
	'cron',
	'group',
	'order',
	'public',
	'active',
	'show_hosts',
	'eval',
	'host_type',
	'host_host',
	'host_port',
	'host_timeout',
	'x',
	'__proto__'
];
const monitorFieldValue = fc.oneof(
	fc.string({ maxLength: 30 }),
	fc.constantFrom(
		'',
		'127.0.0.1',
		'-1',
		'99999',
		'1e309',
		'NaN',
		'0x10',
		'tcp',
		'udp',
		'* * * * *',
		'61 * * * *',
		'pbt-form',
		'\u0000',
		'return 1 +'
	),
	fc.integer().map(String)
);
export const monitorFormBody = fc.array(fc.tuple(fc.constantFrom(...MONITOR_FIELDS), monitorFieldValue), { maxLength: 14 });

/** Everything these actions could change, as the admin pages load it. */
export async function adminState(api: APIRequestContext): Promise<string> {
	// A key's last-used time moves whenever a test sends it, refused or not: bookkeeping, not a change.
	const keys = (await pageValues(api, '/admin/keys')).keys as Record<string, unknown>[];
	const keysNow = JSON.stringify(keys.map((k) => ({ ...k, lastUsedAt: 'not compared' })));
	return [keysNow, await pageData(api, '/admin/settings'), await monitorsSnapshot(api)].join('\n');
}

/**
 * A client signed in as the owner through the sign-in action (with the password the tests expect);
 * when this file runs alone and there is no admin yet, through the setup link first.
 */
export async function signedIn(): Promise<APIRequestContext> {
	const client = await request.newContext({ baseURL: BASE });
	if ((await pageValues(client, '/admin/login')).noAdmin) {
		const pw: Pairs = [
			['email', EMAIL],
			['password', PASSWORD],
			['confirm', PASSWORD]
		];
		expect((await (await postForm(client, new URL(await setupLink()).pathname, pw)).json()).type, 'admin created').toBe('redirect');
		return client;
	}
	const r = await postForm(client, '/admin/login', [
		['email', EMAIL],
		['password', PASSWORD]
	]);
	expect((await r.json()).type, 'signed in with the original password').toBe('redirect');
	return client;
}
