// One monitor's bad rows must not freeze the public snapshot: a rollup that
// overflows float8 when summed fails every full rebuild, which would leave
// badges and summary.json on stale states for every monitor while
// /api/health says ok. The poison is written directly: the write path refuses
// such latencies (latency.ts), but a database may already hold them.
import { describe, expect, it } from 'vitest';
import { DRIVERS, type TestDatabase } from './db/testing';
import { useTestDatabase } from './db/test-hooks';
import { checkDays } from './db/schema';
import { recordCheck } from './db/queries/checks';
import { upsertMonitors } from './db/queries/monitors';
import { validateMonitorList } from './monitors/validate';
import { StatusSnapshot } from './snapshot';
import { health } from './health';
import { Notices } from './notices/cache';
import type { MonitorStatus } from './types';

const NOW = new Date('2026-06-30T12:30:00Z');
const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);

describe.each(DRIVERS)('status snapshot with a poisoned monitor on %s', (driver) => {
	let t: TestDatabase;
	let snap: StatusSnapshot;
	let notices: Notices;
	const ids: Record<string, number> = {};
	useTestDatabase(driver, (d) => (t = d), { beforeReset: () => snap?.stop() });

	async function seed(tags: string[]) {
		const r = validateMonitorList(
			tags.map((tag) => ({ tag, name: tag, type: 'TCP', type_data: { hosts: [{ host: '127.0.0.1', port: 9 }] } }))
		);
		if (!r.ok) throw new Error(JSON.stringify(r));
		await upsertMonitors(t.db, r.value);
		for (const m of await t.db.query.monitors.findMany()) ids[m.tag] = m.id;
	}
	const rec = (tag: string, ts: Date, status: MonitorStatus, latency = 5) =>
		recordCheck(t.db, { monitorId: ids[tag], ts, status, latency, pings: [] }, 'UTC');
	// Two day rows whose latency sums overflow float8 when the 7-day window adds them up.
	const poison = (tag: string) =>
		t.db.insert(checkDays).values([
			{ monitorId: ids[tag], day: '2026-06-28', up: 1, latencySum: 1.5e308, latencyCount: 1, latencyMin: 1.5e308, latencyMax: 1.5e308 },
			{ monitorId: ids[tag], day: '2026-06-29', up: 1, latencySum: 1.5e308, latencyCount: 1, latencyMin: 1.5e308, latencyMax: 1.5e308 }
		]);
	const app = () => ({ database: t, scheduler: null, snapshot: snap, notices, startedAt: NOW });

	it("keeps the others' states moving, serves the broken one's last good figures, and health names it", async () => {
		await seed(['a', 'b']);
		await rec('a', minutesAgo(2), 'UP', 10);
		await rec('b', minutesAgo(2), 'UP', 20);
		snap = new StatusSnapshot({ db: t.db, timeZone: 'UTC', now: () => NOW, refreshMs: 600_000 });
		await snap.start();
		notices = new Notices({ db: t.db });
		await notices.refresh();
		const good = snap.current()!.byTag.get('a')!;
		expect(good.latencyStats['7d']).toEqual({ avg: 10, min: 10, max: 10, count: 1 });
		expect((await health(app())).body).toMatchObject({
			status: 'ok',
			snapshot: { monitors: [] },
			notices: { loadedAt: expect.any(String) }
		});

		await poison('a');
		await rec('b', minutesAgo(1), 'DOWN', 0);
		await seed(['a', 'b', 'c']); // a new monitor: the window figures must be rebuilt
		await rec('c', minutesAgo(1), 'UP', 7);
		await rec('a', minutesAgo(1), 'DOWN', 0);
		snap.invalidate();
		await snap.refresh();

		const d = snap.current()!;
		expect(d.byTag.get('b')).toMatchObject({ status: 'DOWN' });
		expect(d.byTag.get('c')).toMatchObject({ status: 'UP', latency: 7 });
		expect(d.byTag.get('c')!.latencyStats['24h']).toMatchObject({ avg: 7, count: 1 });
		// The broken one: its last good window figures, and its status now all the same.
		const a = d.byTag.get('a')!;
		expect(a.latencyStats).toEqual(good.latencyStats);
		expect(a.status).toBe('DOWN');
		expect(d.monitors.map((m) => m.tag)).toEqual(['a', 'b', 'c']);

		const h = await health(app());
		expect(h.code).toBe(200);
		expect(h.body.status).toBe('degraded');
		expect(h.body.snapshot.monitors).toEqual([{ tag: 'a', error: expect.stringMatching(/out of range/) }]);

		// Later refreshes read the broken one alone; once its rows are mended it rejoins and health is ok again.
		await rec('b', NOW, 'UP', 3);
		snap.invalidate();
		await snap.refresh();
		expect(snap.current()!.byTag.get('b')!.status).toBe('UP');
		expect((await health(app())).body.snapshot.monitors.map((m) => m.tag)).toEqual(['a']);
		await t.db.delete(checkDays);
		snap.invalidate();
		await snap.refresh();
		expect((await health(app())).body).toMatchObject({ status: 'ok', snapshot: { monitors: [] } });
		expect(snap.current()!.byTag.get('a')!.latencyStats['7d'].count).toBe(0);
	});
});
