// The admin guard against spellings of a path: every route of the app (read
// from src/routes, so a route added later is covered without anyone
// remembering) reached through percent-encoded letters (either hex case),
// encoded and doubled slashes, dot segments, re-cased letters and trailing
// slashes, with every method, form action and `__data.json`, without a
// session or key. The router decodes what the guard must judge; whatever the
// spelling, an admin route must refuse and nothing may change. Signed in, the
// same reads must never answer 5xx.
import { request as playwrightRequest, test, type APIRequestContext, type APIResponse, type Page } from '@playwright/test';
import fc from 'fast-check';
import { routeManifest, routeUrls, type RouteEntry } from '../support/route-manifest';
import { BASE, expect, signIn } from './admin-helpers';
import { SEED } from './pbt-helpers';

test.describe.configure({ mode: 'serial' });

const ROUTES = routeManifest();
const PARAMS = { tag: 'local-echo', token: 'not-a-token' };

/**
 * The rule, written out independently of the access policy it tests: only
 * these are open without a session or key. Everything else under /admin and
 * every write anywhere is refused.
 */
const OPEN_FOR_WRITES = new Set(['/admin/login', '/admin/setup/[token]']);
const CLOSED_FOR_READS = (id: string) =>
	((id === '/admin' || id.startsWith('/admin/')) && !OPEN_FOR_WRITES.has(id)) ||
	['/api/v1/config', '/api/v1/check', '/api/v1/monitors/[tag]/check'].includes(id) ||
	// Incidents and maintenance name hidden monitors, channels where alerts go: a key of either scope.
	/^\/api\/v1\/(incidents|maintenance|channels|deliveries)(\/|$)/.test(id);

interface Req {
	route: RouteEntry;
	/** One URL of the route (a route with a param matcher has one per value, e.g. each badge file). */
	path: string;
	method: string;
	/** A form action name, '' for none. */
	action: string;
	data: boolean;
	spell: (path: string, r: Rnd) => string;
	label: string;
}

/** A small seeded generator (mulberry32): the spelling's own choices, replayable from the integer fast-check drew. */
type Rnd = { bool(): boolean; int(max: number): number };
function rnd(seed: number): Rnd {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return { bool: () => next() < 0.5, int: (max) => Math.floor(next() * (max + 1)) };
}

const hex = (c: string, upper: boolean) => {
	const h = c.charCodeAt(0).toString(16).padStart(2, '0');
	return '%' + (upper ? h.toUpperCase() : h);
};

/** Ways to spell a path that a client sends and a router may read as the same route (or as none). */
const SPELLINGS: [string, (p: string, r: Rnd) => string][] = [
	['plain', (p) => p],
	['encoded letters', (p, r) => p.replace(/[a-z]/gi, (c) => (r.int(2) === 0 ? c : hex(c, r.bool())))],
	['every letter encoded', (p, r) => p.replace(/[a-z]/gi, (c) => hex(c, r.bool()))],
	['first letter encoded', (p) => p.replace(/[a-z]/i, (c) => hex(c, false))],
	['trailing slash', (p) => (p.endsWith('/') ? p : p + '/')],
	[
		'doubled slash',
		(p, r) => {
			const slashes = [...p.matchAll(/\//g)].map((m) => m.index!);
			const at = slashes[r.int(slashes.length - 1)];
			return p.slice(0, at) + '/' + p.slice(at);
		}
	],
	['encoded slash', (p) => p.replace(/(?<=.)\//, '%2F')],
	['encoded slash, lower case', (p) => p.replace(/(?<=.)\//g, '%2f')],
	['dot segment', (p) => p.replace(/^\/([^/]*)/, '/$1/%2e')],
	['parent segment', (p) => '/x/..' + p],
	['upper case', (p) => p.toUpperCase()],
	['mixed case', (p, r) => p.replace(/[a-z]/g, (c) => (r.bool() ? c.toUpperCase() : c))],
	['double encoding', (p) => p.replace(/[a-z]/i, (c) => '%25' + hex(c, false).slice(1))],
	['semicolon', (p) => p.replace(/(?<=.)\//, ';x/')]
];

function requestsFor(route: RouteEntry): Omit<Req, 'spell' | 'label'>[] {
	const out: Omit<Req, 'spell' | 'label'>[] = [];
	for (const path of routeUrls(route.id, PARAMS)) {
		for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) out.push({ route, path, method, action: '', data: false });
		if (route.page) {
			out.push({ route, path, method: 'GET', action: '', data: true });
			for (const a of route.actions) out.push({ route, path, method: 'POST', action: a, data: false });
		}
	}
	return out;
}

const ALL = ROUTES.flatMap(requestsFor);

const requestArb = fc
	.tuple(fc.constantFrom(...ALL), fc.constantFrom(...SPELLINGS))
	.map(([r, [label, spell]]): Req => ({ ...r, spell, label }));

function target(req: Req, r: Rnd): string {
	let path = req.spell(req.path, r);
	if (req.data) path = (path.endsWith('/') ? path : path + '/') + '__data.json';
	// Absolute, so a path starting with '//' stays a path and not a host.
	return BASE + path + (req.action && req.action !== 'default' ? `?/${req.action}` : '');
}

/** Sends one request as a browser form or an API client would, with this site's Origin (so only the guard can refuse it). */
function send(api: APIRequestContext, req: Req, url: string): Promise<APIResponse> {
	const write = !['GET', 'HEAD'].includes(req.method);
	const headers: Record<string, string> = { origin: BASE };
	if (req.action) {
		headers['x-sveltekit-action'] = 'true';
		headers.accept = 'application/json';
	}
	return api.fetch(url, {
		method: req.method,
		headers,
		maxRedirects: 0,
		failOnStatusCode: false,
		...(write && req.action
			? {
					form: {
						name: 'pwned',
						scope: 'write',
						email: 'evil@example.test',
						password: 'a long enough passphrase',
						confirm: 'local-echo',
						tag: 'local-echo',
						which: 'active',
						on: 'false',
						id: '1',
						json: '[]'
					}
				}
			: write
				? {
						headers: { ...headers, 'content-type': 'application/json' },
						data: JSON.stringify({ tag: 'local-echo', name: 'pwned', type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] } })
					}
				: {})
	});
}

/** A refusal: an error status, a redirect to sign-in or to the same route's normal spelling, or the client router's redirect to sign-in. */
async function refused(res: APIResponse): Promise<boolean> {
	const s = res.status();
	if (s === 303) return /^\/admin\/login(\?|$)/.test(res.headers()['location'] ?? '');
	if (s === 307 || s === 308) return true; // trailing-slash normalisation: the normal spelling is judged when followed
	if (s >= 400 && s < 500) return true;
	if (s === 200 && (res.headers()['content-type'] ?? '').startsWith('application/json')) {
		const body = await res.text();
		return /^\{"type":"redirect","location":"\/admin\/login/.test(body);
	}
	return false;
}

let page: Page;
let anon: APIRequestContext;

/** Everything an anonymous write could change: monitors with hosts and eval, API keys, admins. */
async function state() {
	const text = async (url: string) => {
		const r = await page.request.get(url);
		expect(r.status(), url).toBe(200);
		return (await r.text()).replace(/"lastUsed[^,}]*/g, '');
	};
	return [await text('/admin/export.json'), await text('/admin/keys/__data.json'), await text('/admin/settings/__data.json')];
}

test.beforeAll(async ({ browser }) => {
	page = await browser.newPage();
	await signIn(page);
	anon = await playwrightRequest.newContext({ baseURL: BASE });
});

test.afterAll(async () => {
	await anon?.dispose();
	await page?.close();
});

test('the attacks from the report, each refused and changing nothing', async () => {
	const before = await state();
	const form = { 'x-sveltekit-action': 'true', accept: 'application/json', origin: BASE };
	const cases: [string, () => Promise<APIResponse>][] = [
		[
			'create a write key',
			() => anon.post('/%61dmin/keys?/create', { headers: form, form: { name: 'x', scope: 'write' }, maxRedirects: 0 })
		],
		['read the export', () => anon.get('/%61dmin/export.json', { maxRedirects: 0 })],
		['read the private config', () => anon.get('/api/v1/%63onfig', { maxRedirects: 0 })],
		[
			'add an admin',
			() =>
				anon.post('/%61dmin/settings?/addAdmin', {
					headers: form,
					form: { email: 'evil@example.test', name: 'x', password: 'a long enough passphrase', confirm: 'a long enough passphrase' },
					maxRedirects: 0
				})
		],
		[
			'edit a monitor',
			() =>
				anon.fetch('/%61pi/v1/monitors/local-echo', {
					method: 'PATCH',
					headers: { 'content-type': 'application/json' },
					data: '{"name":"pwned"}',
					maxRedirects: 0
				})
		],
		[
			'probe anywhere',
			() =>
				anon.post('/%61pi/v1/check', {
					headers: { 'content-type': 'application/json' },
					data: { type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] } },
					maxRedirects: 0
				})
		],
		[
			'delete through mixed-case hex',
			() => anon.delete('/%41pi/v1/monitors/local-echo'.replace('%41', '%61').replace('pi', '%70i'), { maxRedirects: 0 })
		],
		['export through every letter encoded', () => anon.get('/%61%64%6D%69%6E/%65%78%70%6f%72%74.json', { maxRedirects: 0 })]
	];
	for (const [what, run] of cases) {
		const res = await run();
		expect(await refused(res), `${what}: ${res.status()} ${(await res.text()).slice(0, 200)}`).toBe(true);
		expect(res.status(), what).toBeLessThan(500);
	}
	expect(await state()).toEqual(before);
});

test('property: every route, every method, action and __data.json, spelled every way, without a session', async () => {
	test.setTimeout(180_000);
	const before = await state();
	let sent = 0;
	// fast-check draws the request and a seed for the spelling's own choices.
	await fc.assert(
		fc.asyncProperty(requestArb, fc.noShrink(fc.integer()), async (req, n) => {
			const url = target(req, rnd(n));
			const res = await send(anon, req, url);
			sent++;
			const where = `${req.method} ${url} (${req.route.id}, ${req.label}${req.action ? `, action ${req.action}` : ''}${req.data ? ', data' : ''})`;
			expect(res.status(), where).toBeLessThan(500);
			const closed = req.method === 'GET' || req.method === 'HEAD' ? CLOSED_FOR_READS(req.route.id) : !OPEN_FOR_WRITES.has(req.route.id);
			if (closed) expect(await refused(res), `${where} answered ${res.status()}: ${(await res.text()).slice(0, 200)}`).toBe(true);
		}),
		{ numRuns: 300, seed: SEED }
	);
	// And every request once in each spelling, so no route is left to chance.
	for (const base of ALL) {
		for (const [label, spell] of SPELLINGS) {
			const req = { ...base, label, spell };
			const url = target(req, rnd(sent));
			const res = await send(anon, req, url);
			sent++;
			const where = `${req.method} ${url} (${req.route.id}, ${label})`;
			expect(res.status(), where).toBeLessThan(500);
			const closed = req.method === 'GET' || req.method === 'HEAD' ? CLOSED_FOR_READS(req.route.id) : !OPEN_FOR_WRITES.has(req.route.id);
			if (closed) expect(await refused(res), `${where} answered ${res.status()}: ${(await res.text()).slice(0, 200)}`).toBe(true);
		}
	}
	expect(await state()).toEqual(before);
	console.log(`encoded guard walk: ${sent} requests over ${ROUTES.length} routes, seed ${SEED}`);
});

test('signed in, the same spellings of every read never answer 5xx', async () => {
	test.setTimeout(120_000);
	for (const route of ROUTES) {
		for (const path of routeUrls(route.id, PARAMS)) {
			for (const [label, spell] of SPELLINGS) {
				for (const data of route.page ? [false, true] : [false]) {
					const req: Req = { route, path, method: 'GET', action: '', data, spell, label };
					const url = target(req, rnd(path.length * 31 + label.length));
					const res = await page.request.get(url, { maxRedirects: 0, failOnStatusCode: false });
					expect(res.status(), `GET ${url} (${route.id}, ${label}) signed in`).toBeLessThan(500);
				}
			}
		}
	}
});

test('a signed-in write that another site makes the browser send is refused, whatever its content type', async () => {
	const run = '/api/v1/monitors/local-echo/check';
	const evil = 'http://evil.example';
	// No body (not a form type, so SvelteKit's own check lets it by): the guard refuses it.
	const variants: Record<string, string>[] = [
		{ origin: evil },
		{},
		{ 'sec-fetch-site': 'cross-site' },
		{ origin: 'null' },
		{ origin: BASE.replace('127.0.0.1', 'localhost') }
	];
	for (const headers of variants) {
		const res = await page.request.post(run, { headers, failOnStatusCode: false });
		expect(res.status(), JSON.stringify(headers)).toBe(403);
		expect((await res.json()).error).toMatch(/cross-site request refused/);
	}
	const before = await state();
	expect((await page.request.delete('/api/v1/monitors/local-echo', { headers: { origin: evil }, failOnStatusCode: false })).status()).toBe(
		403
	);
	expect(
		(
			await page.request.fetch('/api/v1/monitors/local-echo', {
				method: 'PATCH',
				headers: { origin: evil, 'content-type': 'text/plain' },
				data: '{"name":"pwned"}',
				failOnStatusCode: false
			})
		).status()
	).toBe(403);
	const form = await page.request.post('/admin/keys?/create', {
		headers: { origin: evil, 'x-sveltekit-action': 'true', accept: 'application/json' },
		multipart: { name: 'x', scope: 'write' },
		failOnStatusCode: false
	});
	expect(form.status()).toBe(403);
	expect(await state()).toEqual(before);
	// From this site (Origin, or Sec-Fetch-Site where a browser sends none) it runs.
	expect((await page.request.post(run, { headers: { origin: BASE } })).status()).toBe(200);
	expect((await page.request.post(run, { headers: { 'sec-fetch-site': 'same-origin' } })).status()).toBe(200);
	// In the browser itself: the editor's run-now and a fetch() from the page are same-origin.
	await page.goto('/admin/monitors');
	const status = await page.evaluate(async (u) => (await fetch(u, { method: 'POST' })).status, run);
	expect(status).toBe(200);
});

test('?next= with CR/LF, NUL or odd encodings redirects to the monitors list instead of a 500', async () => {
	for (const next of [
		'%0d%0aSet-Cookie:%20x=1',
		'/admin/keys%0d%0aX:%20y',
		'/admin/%00',
		'%2F%2Fevil.example',
		'/admin/%E0%A4%A',
		'/%61dmin/login',
		'https://evil.example/admin'
	]) {
		const res = await page.request.get(`/admin/login?next=${next}`, { maxRedirects: 0, failOnStatusCode: false });
		expect(res.status(), next).toBe(303);
		expect(res.headers()['location'], next).toBe('/admin/monitors');
	}
	const kept = await page.request.get(`/admin/login?next=${encodeURIComponent('/admin/keys?x=1')}`, { maxRedirects: 0 });
	expect(kept.headers()['location']).toBe('/admin/keys?x=1');
});
