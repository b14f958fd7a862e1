// Incidents and maintenance for bench/pages.ts: the load for `/`,
// "5 active incidents and 20 scheduled windows", written through the same
// service the admin pages and /api/v1 use (notices/service.ts), so every row
// is one an admin could have made. Seeded into a copy of the big database
// (CREATE DATABASE … TEMPLATE), so the page with and without them is measured
// on the same history in the same run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../src/lib/server/db/index';
import { monitorsByTag } from '../src/lib/server/db/queries/incidents';
import { createIncident, createMaintenance, postUpdate, type NoticeDeps } from '../src/lib/server/notices/service';

export const INCIDENTS = 5;
export const UPDATES_PER_INCIDENT = 3;
export const WINDOWS = 20;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A copy of the database at `url` (which must have no other connections), and its dropper. */
export async function copyDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
	const source = new URL(url);
	const from = decodeURIComponent(source.pathname.slice(1));
	const name = `${from.slice(0, 40)}_n${randomBytes(3).toString('hex')}`;
	const admin = new URL(url);
	admin.pathname = '/postgres';
	const run = async (text: string) => {
		const client = new pg.Client({ connectionString: admin.toString() });
		await client.connect();
		try {
			await client.query(text);
		} finally {
			await client.end();
		}
	};
	await run(`create database "${name}" template "${from}"`);
	const copy = new URL(url);
	copy.pathname = `/${name}`;
	return { url: copy.toString(), drop: () => run(`drop database if exists "${name}" with (force)`) };
}

function must(r: { ok: boolean; errors?: unknown }, what: string) {
	if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.errors)}`);
	return r as { ok: true; id: string };
}

/**
 * Five unresolved incidents (three updates each, three or four affected
 * monitors) and twenty windows: one in progress, eleven one-off ahead, five
 * daily and three weekly recurring, one of them over a tag pattern that
 * matches many monitors. Returns what was written.
 */
export async function seedNotices(db: Db, now = new Date()): Promise<{ incidents: number; updates: number; windows: number }> {
	const deps: NoticeDeps = { database: { db }, notices: { refresh: async () => {} }, scheduler: null };
	const tags = [...(await monitorsByTag(db)).keys()].sort();
	if (tags.length < 8) throw new Error(`need at least 8 monitors to spread notices over, got ${tags.length}`);
	const pick = (i: number, n: number) => Array.from({ length: n }, (_, k) => tags[(i * 7 + k * 3) % tags.length]);
	const at = (ms: number) => new Date(now.getTime() + ms);

	let updates = 0;
	const states = ['investigating', 'identified', 'monitoring'] as const;
	for (let i = 0; i < INCIDENTS; i++) {
		const started = at(-(i + 1) * HOUR);
		const created = must(
			await createIncident(
				deps,
				{
					title: `Elevated error rates on cluster ${i + 1}`,
					impact: i === 0 ? 'critical' : i % 2 ? 'major' : 'minor',
					startedAt: started.toISOString(),
					monitors: pick(i, 3 + (i % 2)),
					state: states[0],
					body: `We are **investigating** reports of failed connections. Affected: cluster ${i + 1}.`
				},
				'bench',
				started
			),
			`incident ${i}`
		);
		updates++;
		for (let u = 1; u < UPDATES_PER_INCIDENT; u++) {
			const when = at(-(i + 1) * HOUR + u * 10 * 60_000);
			must(
				await postUpdate(
					deps,
					created.id,
					{ state: states[u], body: `Update ${u}: see [the runbook](https://example.com/runbook/${i}).` },
					'bench',
					when
				),
				`incident ${i} update ${u}`
			);
			updates++;
		}
	}

	const today = now.toISOString().slice(0, 10);
	const windows: { title: string; monitors: string[]; window: Record<string, unknown> }[] = [
		{
			title: 'Storage migration',
			monitors: pick(10, 4),
			window: { start: at(-30 * 60_000).toISOString(), end: at(2 * HOUR).toISOString() }
		}
	];
	for (let i = 0; i < 11; i++) {
		const start = at((i + 1) * DAY + (i % 3) * HOUR);
		windows.push({
			title: `Planned upgrade ${i + 1}`,
			monitors: pick(20 + i, 2 + (i % 3)),
			window: { start: start.toISOString(), end: new Date(start.getTime() + 2 * HOUR).toISOString() }
		});
	}
	for (let i = 0; i < 5; i++)
		windows.push({
			title: `Nightly backup ${i + 1}`,
			// The first one over a pattern: tens of monitors (demo-00* at 1,000 monitors).
			monitors: i === 0 ? [`${tags[0].slice(0, -2)}*`] : pick(40 + i, 3),
			window: { rrule: `FREQ=DAILY;BYHOUR=${1 + i};BYMINUTE=0`, dtstart: `${today}T0${1 + i}:00`, durationMinutes: 30, timeZone: 'UTC' }
		});
	for (let i = 0; i < 3; i++)
		windows.push({
			title: `Weekly patching ${i + 1}`,
			monitors: pick(50 + i, 3),
			window: {
				rrule: `FREQ=WEEKLY;BYDAY=${['SU', 'WE', 'SA'][i]};BYHOUR=3;BYMINUTE=0`,
				dtstart: `${today}T03:00`,
				durationMinutes: 90,
				timeZone: 'Europe/Berlin'
			}
		});
	for (const [i, w] of windows.entries())
		must(await createMaintenance(deps, { ...w, description: `Window ${i + 1}: expect short interruptions.` }, now), `window ${i}`);
	return { incidents: INCIDENTS, updates, windows: windows.length };
}
