import { beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS, type TestDatabase } from '../db/testing';
import { useTestDatabase } from '../db/test-hooks';
import { recordCheck } from '../db/queries/checks';
import { upsertMonitors } from '../db/queries/monitors';
import { validateMonitorList } from '../monitors/validate';
import { StatusSnapshot } from '../snapshot';
import type { MonitorStatus } from '../types';
import { badgeReply, badgeResponse, type BadgeRequest } from './badges';
import { summaryJson } from './statuspage';
import { openDatabase } from '../db/index';

const NOW = new Date('2026-06-30T12:30:00Z');
const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

describe.each(DRIVERS)('public reads on %s', (driver) => {
	let t: TestDatabase;
	const ids: Record<string, number> = {};
	let snap: StatusSnapshot;

	useTestDatabase(driver, (d) => (t = d), { beforeReset: () => snap?.stop() });
	beforeEach(async () => {
		const r = validateMonitorList(
			[
				{ tag: 'api', name: 'API gateway', group: 'Core', order: 1 },
				{ tag: 'db', name: 'Database', group: 'Core', order: 2 },
				{ tag: 'mail', name: 'Mail' },
				{ tag: 'fresh', name: 'Fresh, no checks' },
				{ tag: 'hidden', name: 'Hidden thing', public: false },
				{ tag: 'off', name: 'Switched off', active: false }
			].map((m) => ({ type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] }, ...m }))
		);
		if (!r.ok) throw new Error(JSON.stringify(r));
		await upsertMonitors(t.db, r.value);
		for (const m of await t.db.query.monitors.findMany()) ids[m.tag] = m.id;
		snap = new StatusSnapshot({ db: t.db, timeZone: 'UTC', now: () => NOW, refreshMs: 60_000 });
	});

	const rec = (tag: string, ts: Date, status: MonitorStatus, latency = 5) =>
		recordCheck(t.db, { monitorId: ids[tag], ts, status, latency, pings: [] }, 'UTC');

	const req = (over: Partial<BadgeRequest> & Pick<BadgeRequest, 'tag'>): BadgeRequest => ({
		kind: 'status',
		format: 'svg',
		query: new URLSearchParams(),
		ifNoneMatch: null,
		snapshot: snap,
		maxAge: 30,
		siteTitle: 'Acme status',
		...over
	});

	async function seed() {
		await rec('api', minutesAgo(2), 'UP', 10);
		await rec('api', minutesAgo(1), 'UP', 20);
		await rec('api', daysAgo(3), 'DOWN', 999); // DOWN latency never counts
		await rec('api', daysAgo(3.01), 'UP', 60);
		await rec('db', minutesAgo(1), 'DEGRADED', 40);
		await rec('mail', minutesAgo(1), 'DOWN', 0);
		await rec('hidden', minutesAgo(1), 'DOWN', 0);
		await rec('off', minutesAgo(1), 'DOWN', 0);
		await snap.start();
	}

	it('holds public active monitors only, with uptime and latency per window', async () => {
		await seed();
		const d = snap.current()!;
		expect(d.monitors.map((m) => m.tag)).toEqual(['fresh', 'mail', 'api', 'db']);
		expect(d.byTag.has('hidden')).toBe(false);
		expect(d.byTag.has('off')).toBe(false);
		const api = d.byTag.get('api')!;
		expect(api.status).toBe('UP');
		expect(api.uptime['24h']).toBe(1);
		expect(api.uptime['7d']).toBeCloseTo(3 / 4, 10);
		expect(api.latencyStats['24h']).toEqual({ avg: 15, min: 10, max: 20, count: 2 });
		expect(api.latencyStats['7d']).toEqual({ avg: 30, min: 10, max: 60, count: 3 });
		expect(d.byTag.get('fresh')!.latencyStats['30d']).toEqual({ avg: null, min: null, max: null, count: 0 });
		expect(await snap.percentile(api, '7d', 0.5)).toBeCloseTo(20, 10);
		expect(await snap.percentile(d.byTag.get('fresh')!, '7d')).toBeNull();
	});

	it('follows checks written elsewhere: on refresh, on its interval, and soon after a poke', async () => {
		await seed();
		expect(snap.current()!.byTag.get('mail')!.status).toBe('DOWN');
		const v = snap.current()!.version;
		// Another process writing (PROBE_WORKER=off): a second connection to the same database on Postgres.
		const other = t.url ? await openDatabase({ url: t.url, migrate: false, max: 1 }) : t;
		try {
			await recordCheck(other.db, { monitorId: ids.mail, ts: NOW, status: 'UP', latency: 3, pings: [] }, 'UTC');
		} finally {
			if (other !== t) await other.close();
		}
		expect(snap.current()!.byTag.get('mail')!.status).toBe('DOWN'); // not a query per read
		await snap.refresh();
		expect(snap.current()!.byTag.get('mail')!.status).toBe('UP');
		expect(snap.current()!.version).toBeGreaterThan(v);

		const periodic = new StatusSnapshot({ db: t.db, timeZone: 'UTC', now: () => NOW, refreshMs: 50, pokeDelayMs: 10 });
		try {
			await periodic.start();
			await rec('db', NOW, 'UP', 4);
			await expect.poll(() => periodic.current()!.byTag.get('db')!.status, { timeout: 5000 }).toBe('UP');
		} finally {
			periodic.stop();
		}
		const poked = new StatusSnapshot({ db: t.db, timeZone: 'UTC', now: () => NOW, refreshMs: 600_000, pokeDelayMs: 10 });
		try {
			await poked.start();
			await rec('api', NOW, 'MAINTENANCE', 0);
			poked.poke();
			await expect.poll(() => poked.current()!.byTag.get('api')!.status, { timeout: 5000 }).toBe('MAINTENANCE');
		} finally {
			poked.stop();
		}
	});

	it('drops a monitor made hidden or inactive at the next refresh, before the next full rebuild', async () => {
		await seed();
		const { monitors } = await import('../db/schema');
		const { eq } = await import('drizzle-orm');
		expect(snap.current()!.byTag.has('api')).toBe(true);
		await t.db.update(monitors).set({ isPublic: false }).where(eq(monitors.tag, 'api'));
		await t.db.update(monitors).set({ active: false }).where(eq(monitors.tag, 'db'));
		await snap.refresh();
		expect(snap.current()!.byTag.has('api')).toBe(false);
		expect(snap.current()!.byTag.has('db')).toBe(false);
		expect(snap.stats.full).toBe(2);
		// Nothing changed: a status refresh only, and the same snapshot object.
		const before = snap.current();
		await snap.refresh();
		expect(snap.stats.full).toBe(2);
		expect(snap.current()).toBe(before);
	});

	it('serves status badges with explicit headers and an ETag that revalidates to 304', async () => {
		await seed();
		const r = await badgeResponse(req({ tag: 'api' }));
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
		expect(r.headers.get('cache-control')).toBe('public, max-age=30');
		expect(r.headers.get('access-control-allow-origin')).toBe('*');
		const etag = r.headers.get('etag')!;
		expect(etag).toMatch(/^"[\w-]+"$/);
		const body = await r.text();
		expect(body).toContain('aria-label="API gateway: up"');
		expect(body).toContain('fill="#047857"');

		const again = await badgeResponse(req({ tag: 'api', ifNoneMatch: `W/"nope", ${etag}` }));
		expect(again.status).toBe(304);
		expect(await again.text()).toBe('');
		expect(again.headers.get('etag')).toBe(etag);
		const stale = await badgeResponse(req({ tag: 'api', ifNoneMatch: '"other"' }));
		expect(stale.status).toBe(200);
		const longer = await badgeResponse(req({ tag: 'api', maxAge: 300 }));
		expect(longer.headers.get('cache-control')).toBe('public, max-age=300');
	});

	it('keeps each answer for the snapshot it was built from, and builds anew for a new one', async () => {
		await seed();
		const first = await badgeReply(req({ tag: 'mail', format: 'json' }));
		// The same request again is a lookup: the very same answer.
		expect(await badgeReply(req({ tag: 'mail', format: 'json' }))).toBe(first);
		const q = (s: string) => req({ tag: 'mail', kind: 'uptime', format: 'json', query: new URLSearchParams(s) });
		expect(await badgeReply(q('window=24h&label=x'))).toBe(await badgeReply(q('window=24h&label=x')));
		expect(JSON.parse(new TextDecoder().decode(first.body!)).message).toBe('down');
		await rec('mail', NOW, 'UP', 3);
		await snap.refresh();
		const next = await badgeReply(req({ tag: 'mail', format: 'json' }));
		expect(next).not.toBe(first);
		expect(JSON.parse(new TextDecoder().decode(next.body!)).message).toBe('up');
		expect(next.headers.etag).not.toBe(first.headers.etag);
	});

	it('renders a badge once whatever parameters it ignores: cache busters share the answer', async () => {
		await seed();
		const ask = (query: string) => badgeReply(req({ tag: 'api', query: new URLSearchParams(query) }));
		const first = await ask('');
		const busted = [await ask('v=1'), await ask('v=2&cachebust=x'), await ask('')];
		// One rendering: the very same body bytes, not an equal copy.
		for (const b of busted) expect(b.body).toBe(first.body);
		// An option that changes the picture is a rendering of its own.
		const labelled = await ask('label=gw');
		expect(labelled.body).not.toBe(first.body);
		expect(Buffer.from(labelled.body!).toString()).toContain('gw');
	});

	it('answers unknown and hidden tags with the same grey 404 badge', async () => {
		await seed();
		for (const format of ['svg', 'json'] as const) {
			const unknown = await badgeResponse(req({ tag: 'no-such-tag', format }));
			const hidden = await badgeResponse(req({ tag: 'hidden', format }));
			const off = await badgeResponse(req({ tag: 'off', format }));
			expect([unknown.status, hidden.status, off.status]).toEqual([404, 404, 404]);
			const body = await hidden.text();
			expect(body).toBe(await unknown.text());
			expect(body).toBe(await off.text());
			expect(body).toContain('not found');
			expect(body).toContain('#52525b');
			expect(body).not.toContain('Hidden');
		}
		const dot = await badgeResponse(req({ tag: 'hidden', kind: 'dot' }));
		expect(dot.status).toBe(404);
		expect(await dot.text()).toContain('fill="#d4d4d8"');
	});

	it('rejects bad options with 400 and a message, uncached', async () => {
		await seed();
		const r = await badgeResponse(req({ tag: 'api', format: 'json', query: new URLSearchParams('color=expression(1)') }));
		expect(r.status).toBe(400);
		expect(r.headers.get('cache-control')).toBe('no-store');
		expect(JSON.parse(await r.text()).message).toMatch(/^color must be a hex colour/);
		const svg = await badgeResponse(req({ tag: 'api', query: new URLSearchParams('style=3d') }));
		expect(svg.status).toBe(400);
		expect(await svg.text()).toContain('style must be one of');
		const allLatency = await badgeResponse(req({ tag: '_', kind: 'latency' }));
		expect(allLatency.status).toBe(400);
	});

	it('applies label and colours, escaped', async () => {
		await seed();
		const r = await badgeResponse(
			req({ tag: 'api', query: new URLSearchParams({ label: '"><script>x</script>', color: 'ff00ff', labelColor: 'navy' }) })
		);
		const body = await r.text();
		expect(r.status).toBe(200);
		expect(body).not.toContain('<script');
		expect(body).toContain('&quot;&gt;&lt;script&gt;');
		expect(body).toContain('fill="#ff00ff"');
		expect(body).toContain('fill="navy"');
	});

	it('summarises all public monitors under `_`', async () => {
		await seed();
		const status = JSON.parse(await (await badgeResponse(req({ tag: '_', format: 'json' }))).text());
		expect(status).toMatchObject({ label: 'Acme status', message: 'down', color: '#b91c1c' }); // mail is DOWN; hidden's DOWN would not count anyway
		const uptime = JSON.parse(
			await (await badgeResponse(req({ tag: '_', kind: 'uptime', format: 'json', query: new URLSearchParams('window=24h') }))).text()
		);
		// api 100 %, db 100 % (degraded counts as up), mail 0 %; fresh has no data and is left out.
		expect(uptime).toMatchObject({ label: 'uptime 24h', message: '66.66%' });
	});

	it('gives latency badges per metric, p95 from raw checks', async () => {
		await seed();
		const get = async (qs: string) =>
			JSON.parse(await (await badgeResponse(req({ tag: 'api', kind: 'latency', format: 'json', query: new URLSearchParams(qs) }))).text());
		expect((await get('window=24h')).message).toBe('15 ms');
		expect((await get('window=7d&metric=max')).message).toBe('60 ms');
		expect((await get('window=7d&metric=min')).message).toBe('10 ms');
		expect((await get('window=7d&metric=p95')).message).toBe('56 ms'); // percentile_cont over 10, 20, 60
	});

	it('says unavailable (503, uncached) before the first load', async () => {
		const r = await badgeResponse(req({ tag: 'api' }));
		expect(r.status).toBe(503);
		expect(r.headers.get('cache-control')).toBe('no-store');
	});

	it('builds Statuspage summary JSON without hidden, inactive or no-data monitors', async () => {
		await seed();
		const s = summaryJson(snap.current()!, { url: 'https://status.example.test', name: 'Acme', timeZone: 'UTC' });
		expect(s.components.map((c) => c.id)).toEqual(['mail', 'group:Core', 'api', 'db']);
		const json = JSON.stringify(s);
		expect(json).not.toContain('hidden');
		expect(json).not.toContain('Switched off');
		expect(s.status).toEqual({ indicator: 'major', description: 'Partial outage' });
		const core = s.components.find((c) => c.id === 'group:Core')!;
		expect(core).toMatchObject({ group: true, components: ['api', 'db'], status: 'degraded_performance' });
		expect(s.components.find((c) => c.id === 'api')).toMatchObject({ group_id: 'group:Core', status: 'operational' });
	});
});
