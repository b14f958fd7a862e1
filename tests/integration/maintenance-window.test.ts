// Issue 13: a maintenance window over a monitor whose listener is closed
// during the window. The running app (real probe worker, scheduler, notices)
// checks a real TCP listener on 127.0.0.1 every 5 s; a one-off window is made
// through the notices service; the listener is closed at the window's start
// and reopened on the same port at its end. The checks in the window are
// MAINTENANCE and keep what they found, uptime stays 100 %, the day is blue
// on the bar (by the day rule, through pages/bar.ts), and the banner says
// "Maintenance in progress" during the window and never an outage.
//
// Timing: the window's edges sit half a slot between two checks, and the
// listener is closed or reopened only after the check before the edge has
// finished, so a slow machine shifts nothing. Every expectation is derived
// from the slots the loop actually wrote and when each probe actually ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config';
import { startApp, stopApp, type App } from '../../src/lib/server/app';
import { createScratchDatabase, DRIVERS } from '../../src/lib/server/db/testing';
import { upsertMonitors } from '../../src/lib/server/db/queries/monitors';
import { checksBetween } from '../../src/lib/server/db/queries/checks';
import { dayCountsOf } from '../../src/lib/server/db/queries/days';
import { monitorSummaries } from '../../src/lib/server/db/queries/status';
import { uptimeRatio } from '../../src/lib/server/db/queries/rollup';
import { validateMonitorList } from '../../src/lib/server/monitors/validate';
import { createMaintenance } from '../../src/lib/server/notices/service';
import { homeData, monitorDays } from '../../src/lib/server/status-pages';
import { dayStats } from '../../src/lib/server/pages/bar';
import { windowState } from '../../src/lib/server/maintenance/recurrence';
import type { CheckEvent } from '../../src/lib/server/probe/scheduler';
import { dayClass } from '../../src/lib/day-colour';
import { BAR_DAYS } from '../../src/lib/bar';
import { dayKey } from '../../src/lib/time';
import { unpackRow } from '../../src/lib/row-html';
import type { Banner } from '../../src/lib/types';
import { listen, type Listener } from '../fixtures/net';

const EVERY = 5000;
/** Slots inside the window. */
const WINDOW_SLOTS = 3;
/** Slots checked after the window (the listener is back: UP). */
const AFTER_SLOTS = 2;
const TZ = 'Europe/Berlin';
const TAG = 'db';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => T | undefined | false, ms: number, what: string): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await wait(50);
	}
}

describe.each(DRIVERS)('a maintenance window over a closed listener on %s', (driver) => {
	let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
	let app: App;
	let listener: Listener;
	let monitorId: number;
	const events: CheckEvent[] = [];
	/** The home page's banner read right after each check was written, with that check's slot. */
	const banners: Promise<{ slot: number; banner: Banner }>[] = [];

	beforeAll(async () => {
		scratch = await createScratchDatabase(driver);
		listener = await listen('127.0.0.1');
		const config = loadConfig({ DATABASE_URL: scratch.url, PROBE_WORKER: 'on', LOG_LEVEL: 'error', SITE_TIMEZONE: TZ });
		app = await startApp(config, {
			scheduler: {
				spreadMs: () => 0,
				refreshMs: 200,
				onCheck: (e) => {
					events.push(e);
					if (e.written)
						banners.push(
							homeData(app.database.db, { title: 'T', timeZone: TZ }).then((h) => ({ slot: e.slot.getTime(), banner: h.banner }))
						);
				}
			}
		});
		const r = validateMonitorList([
			{
				tag: TAG,
				name: 'Database',
				type: 'TCP',
				cron: '*/5 * * * * *',
				// generous: a loaded CI machine must not be what turns it DOWN
				type_data: { hosts: [{ host: '127.0.0.1', port: listener.port, timeout: 3000 }] }
			}
		]);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		await upsertMonitors(app.database.db, r.value);
		await app.scheduler!.refresh();
	}, 30_000);
	afterAll(async () => {
		await stopApp();
		await listener?.close();
		await scratch?.drop();
	});

	const eventFor = (slot: number) => events.find((e) => e.slot.getTime() === slot);

	it(
		'stores MAINTENANCE with what it found, keeps uptime at 100 %, draws the day blue and never says outage',
		{ timeout: 90_000 },
		async () => {
			const first = await waitFor(() => events.find((e) => e.written), 15_000, 'the first check');
			monitorId = first.monitorId;
			const before = await monitorSummaries(app.database.db, { timeZone: TZ });
			expect(before[0].uptime['24h']).toBe(1);

			// The window: from half a slot before a slot at least 1.5 slots ahead, for WINDOW_SLOTS slots.
			const firstIn = Math.ceil((Date.now() + 1.5 * EVERY) / EVERY) * EVERY;
			const start = firstIn - EVERY / 2;
			const end = start + WINDOW_SLOTS * EVERY;
			const created = await createMaintenance(app, {
				title: 'Database upgrade',
				description: 'Moving to new disks.',
				monitors: [TAG],
				window: { start: new Date(start).toISOString(), end: new Date(end).toISOString() }
			});
			expect(created).toMatchObject({ ok: true });
			// The probe loop reads the window (createMaintenance pokes it; the 200 ms poll too).
			await waitFor(() => app.scheduler!.maintenance.covers(monitorId, new Date(firstIn)), 5_000, 'the loop to read the window');
			expect(app.scheduler!.maintenance.covers(monitorId, new Date(firstIn - EVERY))).toBe(false);
			expect(app.scheduler!.maintenance.covers(monitorId, new Date(end + EVERY / 2))).toBe(false);
			const seen = app.notices.current().maintenances.find((m) => m.id === (created as { id: string }).id);
			expect(seen?.window).toMatchObject({ start: new Date(start), end: new Date(end) });

			// Close at the window's start, once the last check before it is done.
			await waitFor(() => Date.now() >= start && eventFor(firstIn - EVERY)?.finishedAt, 3 * EVERY, 'the last slot before the window');
			await listener.close();
			const closedAt = Date.now();
			expect(windowState(seen!.window, new Date())).toBe('in_progress');
			// Reopen on the same port at its end, once the last check in it is done.
			const lastIn = firstIn + (WINDOW_SLOTS - 1) * EVERY;
			await waitFor(() => Date.now() >= end && eventFor(lastIn)?.finishedAt, (WINDOW_SLOTS + 3) * EVERY, 'the last slot of the window');
			listener = await listen('127.0.0.1', listener.port);
			const reopenedAt = Date.now();
			const lastAfter = lastIn + AFTER_SLOTS * EVERY;
			await waitFor(() => eventFor(lastAfter)?.finishedAt, (AFTER_SLOTS + 3) * EVERY, 'the checks after the window');
			await app.scheduler!.stop();
			const sampled = await Promise.all(banners);

			// The checks, as stored: every slot of the window written, MAINTENANCE; the others UP.
			const { db } = app.database;
			const rows = await checksBetween(db, monitorId, new Date(0), new Date(Date.now() + EVERY));
			const inWindow = (t: number) => start <= t && t < end;
			const windowRows = rows.filter((r) => inWindow(r.ts.getTime()));
			const outside = rows.filter((r) => !inWindow(r.ts.getTime()));
			expect(windowRows.map((r) => r.ts.getTime())).toEqual(Array.from({ length: WINDOW_SLOTS }, (_, i) => firstIn + i * EVERY));
			expect(windowRows.map((r) => r.status)).toEqual(windowRows.map(() => 'MAINTENANCE'));
			expect(outside.filter((r) => r.ts.getTime() < start).length).toBeGreaterThanOrEqual(1);
			expect(outside.filter((r) => r.ts.getTime() >= end).length).toBeGreaterThanOrEqual(AFTER_SLOTS);
			expect(outside.map((r) => r.status)).toEqual(outside.map(() => 'UP'));
			expect(outside.every((r) => r.error === null)).toBe(true);

			// What each window check found, by when its probe ran: refused while closed.
			let foundDown = 0;
			for (const r of windowRows) {
				const e = eventFor(r.ts.getTime())!;
				expect(e.maintenance).toBe(true);
				if (e.startedAt >= closedAt && e.finishedAt <= reopenedAt) {
					// The default eval says DOWN without a reason (the contract's function):
					// the host that refused stands in for it, and the pings are stored as always.
					expect(e.outcome.result.status).toBe('DOWN');
					expect(r.error).toMatch(new RegExp(`^under maintenance; found DOWN: 127\\.0\\.0\\.1:${listener.port} error \\(.*ECONNREFUSED`));
					expect(r.pings).toEqual([
						expect.objectContaining({ status: 'error', port: listener.port, error: expect.stringMatching(/ECONNREFUSED/) })
					]);
					foundDown++;
				} else if (e.finishedAt <= closedAt || e.startedAt >= reopenedAt) {
					expect(r.error).toBeNull(); // probed while the listener was open: found UP
					expect(r.pings).toEqual([expect.objectContaining({ status: 'open' })]);
				}
			}
			// The middle slots are probed 2.5 s and more from either edge: at least those found it closed.
			expect(foundDown).toBeGreaterThanOrEqual(WINDOW_SLOTS - 2);

			// The day rollups: maintenance = the window's checks of that day, nothing down.
			const days = new Map<string, { up: number; maintenance: number }>();
			for (const r of rows) {
				const d = days.get(dayKey(r.ts, TZ)) ?? { up: 0, maintenance: 0 };
				if (r.status === 'MAINTENANCE') d.maintenance++;
				else d.up++;
				days.set(dayKey(r.ts, TZ), d);
			}
			const now = new Date();
			const byDay = await dayCountsOf(db, monitorId, [...days.keys()].sort()[0]);
			const slotMinutes = EVERY / 60_000;
			const stats = dayStats(byDay, { n: BAR_DAYS, timeZone: TZ, slotMs: EVERY, now });
			const home = await homeData(db, { title: 'T', timeZone: TZ, now });
			const row = unpackRow(home.groups[0].rows[0]);
			const tips = await monitorDays(db, TAG, TZ, now);
			for (const [day, counted] of days) {
				const c = byDay.get(day)!;
				expect(c).toMatchObject({ up: counted.up, degraded: 0, down: 0, maintenance: counted.maintenance });
				expect(uptimeRatio(c)).toBe(counted.up > 0 ? 1 : null);
				// The colour by the day rule on the measured counts, and as the page computes it.
				const cls = dayClass(c, slotMinutes);
				expect(cls).toBe(counted.maintenance > 0 ? 'm' : 'u');
				const i = stats.findIndex((s) => s.day === day);
				expect(stats[i]).toMatchObject({
					cls,
					downMin: 0,
					maintenanceMin: counted.maintenance * slotMinutes,
					uptime: counted.up > 0 ? 1 : null
				});
				expect(home.firstDay).toBe(stats[0].day);
				expect(row.bar.d[i]).toBe(cls);
				expect(tips!.days[i].cls).toBe(cls);
			}
			const windowDay = dayKey(new Date(firstIn), TZ);
			expect(byDay.get(windowDay)!.maintenance).toBeGreaterThanOrEqual(1);
			expect(row.bar.w).toBeNull(); // no worst day: nothing was down
			expect(row.uptime30).toBe(1);
			expect(row.uptime90).toBe(1);
			const after = await monitorSummaries(db, { timeZone: TZ });
			expect(after[0].uptime).toMatchObject({ '24h': 1, '7d': 1, '30d': 1, '90d': 1 });

			// The banner after every check: maintenance while a window check was the latest, never an outage.
			expect(sampled.length).toBe(rows.length);
			for (const { slot, banner } of sampled) {
				expect(banner.state).not.toBe('DOWN');
				expect(banner.headline).not.toMatch(/outage/i);
				if (inWindow(slot))
					expect(banner).toMatchObject({
						state: 'MAINTENANCE',
						headline: 'Maintenance in progress',
						subline: 'Under maintenance: Database'
					});
				else expect(banner).toMatchObject({ state: 'UP', headline: 'All systems operational' });
			}
			expect(sampled.filter((s) => inWindow(s.slot)).length).toBe(WINDOW_SLOTS);
		}
	);
});
