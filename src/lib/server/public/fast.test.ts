// The fast path on a real node:http server (127.0.0.1, port 0), in front of
// a stand-in for SvelteKit that answers 599, so a test sees which side
// answered. That both sides give the same answer is proven end to end, with
// the real SvelteKit, in tests/e2e/fast-path.test.ts.
import { createServer, get as httpGet, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { recordCheck } from '../db/queries/checks';
import { upsertMonitors } from '../db/queries/monitors';
import { openTestDatabase, type TestDatabase } from '../db/testing';
import { validateMonitorList } from '../monitors/validate';
import { StatusSnapshot } from '../snapshot';
import { Notices } from '../notices/cache';
import { createIncident, resolveIncident } from '../notices/service';
import { adapterClientAddress, publicReads } from './fast';
import { badgeAnswer, type PublicApp } from './reads';

describe('the client address', () => {
	it("finds the client address as adapter-node's getClientAddress does", () => {
		const h = { 'x-forwarded-for': '203.0.113.9, 10.0.0.1 , 10.0.0.2', 'x-real-ip': '198.51.100.7' };
		expect(adapterClientAddress(h, '127.0.0.1', undefined, 1)).toBe('127.0.0.1');
		expect(adapterClientAddress(h, '127.0.0.1', 'x-forwarded-for', 1)).toBe('10.0.0.2');
		expect(adapterClientAddress(h, '127.0.0.1', 'x-forwarded-for', 2)).toBe('10.0.0.1');
		expect(() => adapterClientAddress(h, '127.0.0.1', 'x-forwarded-for', 4)).toThrow(/XFF_DEPTH is 4, but only found 3/);
		expect(adapterClientAddress(h, '127.0.0.1', 'x-real-ip', 1)).toBe('198.51.100.7');
		expect(() => adapterClientAddress({}, '127.0.0.1', 'x-real-ip', 1)).toThrow(/absent from request/);
	});
});

// Embedded only: the snapshot's queries are tested on both in public.test.ts.
describe('the fast path on node:http', () => {
	let t: TestDatabase;
	let snapshot: StatusSnapshot;
	let notices: Notices;
	const servers: Server[] = [];

	beforeAll(async () => {
		t = await openTestDatabase('embedded');
		const list = validateMonitorList(
			[
				{ tag: 'api', name: 'API gateway' },
				{ tag: 'hidden', name: 'Hidden thing', public: false }
			].map((m) => ({ type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] }, ...m }))
		);
		if (!list.ok) throw new Error(JSON.stringify(list));
		await upsertMonitors(t.db, list.value);
		const api = (await t.db.query.monitors.findMany()).find((m) => m.tag === 'api')!;
		await recordCheck(t.db, { monitorId: api.id, ts: new Date(Date.now() - 60_000), status: 'UP', latency: 7, pings: [] }, 'UTC');
		snapshot = new StatusSnapshot({ db: t.db, timeZone: 'UTC', refreshMs: 600_000 });
		await snapshot.start();
		notices = new Notices({ db: t.db, refreshMs: 600_000 });
		await notices.start();
	});

	afterAll(async () => {
		snapshot?.stop();
		notices?.stop();
		await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
		await t?.destroy();
	});

	/** A server with the fast path in front of a stand-in for SvelteKit; returns its base URL. */
	async function serve(env: Record<string, string>, snap: Pick<StatusSnapshot, 'current' | 'percentile'> = snapshot) {
		const app: PublicApp = { config: loadConfig({ SITE_TITLE: 'Acme status', ...env }), snapshot: snap, notices };
		const front = publicReads(app);
		const server = createServer((req, res) => front(req, res, () => res.writeHead(599).end('sveltekit')));
		servers.push(server);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const a = server.address();
		if (!a || typeof a === 'string') throw new Error('no address');
		return { base: `http://127.0.0.1:${a.port}`, app };
	}

	it("answers a badge with the route's answer plus the security headers, and revalidates to 304", async () => {
		const { base, app } = await serve({ ORIGIN: 'https://status.example.test', RATE_LIMIT: 'off' });
		const r = await fetch(`${base}/badge/api/status.svg`);
		expect(r.status).toBe(200);
		const body = await r.text();
		const route = await badgeAnswer(app, 'status', 'svg', 'api', {
			origin: 'https://status.example.test',
			searchParams: new URLSearchParams(),
			ifNoneMatch: null,
			acceptEncoding: null
		});
		expect(body).toBe(new TextDecoder().decode(route.body!));
		expect(body).toContain('aria-label="API gateway: up"');
		const h = Object.fromEntries(r.headers);
		for (const [k, v] of Object.entries(route.headers)) {
			if (k !== 'content-security-policy') expect(h[k], k).toBe(v);
		}
		expect(h['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
		expect(h['x-frame-options']).toBe('DENY');
		expect(h['referrer-policy']).toBe('same-origin');
		expect(h['content-length']).toBe(String(route.body!.byteLength));

		const again = await fetch(`${base}/badge/api/status.svg`, { headers: { 'if-none-match': h.etag } });
		expect(again.status).toBe(304);
		expect(again.headers.get('x-frame-options')).toBe('DENY');
		const head = await fetch(`${base}/badge/api/status.svg`, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('etag')).toBe(h.etag);
		expect(await head.text()).toBe('');

		// Hidden and unknown tags: the same grey 404; bad options: 400 uncached.
		const hidden = await fetch(`${base}/badge/hidden/status.json`);
		expect(hidden.status).toBe(404);
		expect(await hidden.json()).toMatchObject({ message: 'not found' });
		const bad = await fetch(`${base}/badge/api/status.svg?style=3d`);
		expect(bad.status).toBe(400);
		expect(bad.headers.get('cache-control')).toBe('no-store');
	});

	it('serves the Statuspage JSON with the origin from ORIGIN, gzip when accepted', async () => {
		const { base } = await serve({ ORIGIN: 'https://status.example.test/', RATE_LIMIT: 'off' });
		const r = await fetch(`${base}/api/v2/summary.json`);
		expect(r.status).toBe(200);
		const s = await r.json();
		expect(s.page).toMatchObject({ url: 'https://status.example.test', name: 'Acme status' });
		expect(s.components.map((c: { id: string }) => c.id)).toEqual(['api']);
		expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		// gzip for a large body when accepted (the 400 badge, with its message, is over the threshold).
		// node:http, not fetch, so the client does not undo the compression.
		const gz = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
			httpGet(`${base}/badge/api/status.svg?style=3d`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c) => chunks.push(c)).on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
			}).on('error', reject);
		});
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gz.headers['vary']).toBe('Accept-Encoding');
		expect(gz.headers['content-length']).toBe(String(gz.body.byteLength));
		expect(gunzipSync(gz.body).toString()).toContain('style must be one of');
	});

	it('answers the incident lists from the notices, and a new incident is a new answer (the cache keys on the notices)', async () => {
		const { base } = await serve({ ORIGIN: 'https://status.example.test', RATE_LIMIT: 'off' });
		const read = async (path: string) => (await (await fetch(`${base}/api/v2/${path}`)).json()) as Record<string, unknown>;
		expect((await read('incidents/unresolved.json')).incidents).toEqual([]);
		expect(((await read('status.json')).status as { indicator: string }).indicator).toBe('none');
		const deps = { database: { db: t.db }, notices, scheduler: null };
		const made = await createIncident(
			deps,
			{ title: 'Payments failing', impact: 'critical', state: 'investigating', body: 'Looking.', monitors: [{ tag: 'api' }] },
			null
		);
		if (!made.ok) throw new Error(JSON.stringify(made));
		const open = (await read('incidents/unresolved.json')).incidents as { name: string; shortlink: string }[];
		expect(open.map((i) => [i.name, i.shortlink])).toEqual([['Payments failing', `https://status.example.test/incidents/${made.id}`]]);
		expect((await read('status.json')).status).toEqual({ indicator: 'critical', description: 'Payments failing' });
		const summary = await read('summary.json');
		expect((summary.incidents as { name: string }[]).map((i) => i.name)).toEqual(['Payments failing']);
		await resolveIncident(deps, made.id, '', null);
		expect((await read('incidents/unresolved.json')).incidents).toEqual([]);
		expect(((await read('incidents.json')).incidents as { status: string }[]).map((i) => i.status)).toEqual(['resolved']);
		expect(((await read('status.json')).status as { indicator: string }).indicator).toBe('none');
	});

	it('leaves everything else to SvelteKit, and everything when ORIGIN is unset', async () => {
		const { base } = await serve({ ORIGIN: 'http://127.0.0.1', RATE_LIMIT: 'off' });
		const sveltekit = async (path: string, init?: RequestInit) => (await fetch(`${base}${path}`, init)).status;
		expect(await sveltekit('/badge/api/status.svg', { method: 'POST' })).toBe(599);
		expect(await sveltekit('/api/v2/summary.json', { method: 'OPTIONS' })).toBe(599);
		expect(await sveltekit('/badge/api/status.svg/')).toBe(599);
		expect(await sveltekit('/badge/a%70i/status.svg')).toBe(599);
		expect(await sveltekit('/api/v2/summary.json', { headers: { cookie: 'porthole_session=x' } })).toBe(200); // open routes never read the session: a cookie changes nothing
		expect(await sveltekit('/api/v1/monitors')).toBe(599);
		expect(await sveltekit('/')).toBe(599);
		expect(await sveltekit('/badge/api/status.svg')).toBe(200);
		const noOrigin = await serve({ RATE_LIMIT: 'off' });
		expect((await fetch(`${noOrigin.base}/badge/api/status.svg`)).status).toBe(599);
	});

	it('hands a request to SvelteKit when building the answer fails', async () => {
		const broken = {
			current: () => {
				throw new Error('broken snapshot');
			},
			percentile: () => Promise.reject(new Error('no'))
		};
		const { base } = await serve({ ORIGIN: 'http://127.0.0.1', RATE_LIMIT: 'off' }, broken);
		expect((await fetch(`${base}/badge/api/status.svg`)).status).toBe(599);
		expect((await fetch(`${base}/api/v2/status.json`)).status).toBe(599);
	});

	it('counts against the same rate limit, and refuses with 429, Retry-After and the security headers', async () => {
		const { base } = await serve({ ORIGIN: 'http://127.0.0.1', RATE_LIMIT: '3/60s', TRUSTED_PROXY_HEADER: 'x-forwarded-for' });
		const from = (ip: string) => ({ headers: { 'x-forwarded-for': `203.0.113.1, ${ip}` } });
		for (let i = 0; i < 3; i++) expect((await fetch(`${base}/badge/api/status.svg?i=${i}`, from('10.1.0.1'))).status).toBe(200);
		const refused = await fetch(`${base}/api/v2/status.json`, from('10.1.0.1'));
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(refused.headers.get('cache-control')).toBe('no-store');
		expect(refused.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		expect((await refused.json()).error).toMatch(/too many requests/);
		expect((await fetch(`${base}/badge/api/status.svg`, from('10.1.0.2'))).status).toBe(200);
	});
});
