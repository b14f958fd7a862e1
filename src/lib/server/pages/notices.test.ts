import { describe, expect, it } from 'vitest';
import type { Incident, Maintenance } from '../incidents/model';
import { banner } from './banner';
import { ago, homeNotices, inTime, plainExcerpt } from './notices';

const TZ = 'Europe/Berlin';
const NOW = new Date('2026-07-10T10:00:00Z'); // 12:00 in Berlin
const t = (iso: string) => new Date(iso);

function incident(over: Partial<Incident> & Pick<Incident, 'id'>): Incident {
	return {
		title: `Incident ${over.id}`,
		impact: 'major',
		state: 'investigating',
		startedAt: t('2026-07-10T09:00:00Z'),
		resolvedAt: null,
		monitors: [{ tag: 'api', name: 'API', impact: 'major' }],
		updates: [{ id: `${over.id}1`, state: 'investigating', body: 'Looking into it.', createdAt: t('2026-07-10T09:00:00Z'), author: null }],
		postmortem: null,
		...over
	};
}

function windowOf(id: string, start: string, end: string, over: Partial<Maintenance> = {}): Maintenance {
	return {
		id,
		title: `Window ${id}`,
		description: 'Upgrading.',
		monitors: [{ tag: 'db', name: 'Database' }],
		window: { start: t(start), end: t(end) },
		createdAt: t('2026-07-01T00:00:00Z'),
		updatedAt: t('2026-07-01T00:00:00Z'),
		...over
	};
}

describe('home notices', () => {
	it('active incidents newest first with the latest update, ongoing and next-7-days maintenance soonest first', () => {
		const n = homeNotices(
			{
				incidents: [
					incident({ id: '1', startedAt: t('2026-07-10T08:00:00Z') }),
					incident({
						id: '2',
						impact: 'critical',
						startedAt: t('2026-07-10T09:30:00Z'),
						updates: [
							{ id: 'a', state: 'investigating', body: 'First.', createdAt: t('2026-07-10T09:30:00Z'), author: null },
							{
								id: 'b',
								state: 'identified',
								body: '## Cause\n\nA **bad** [deploy](https://x.test).',
								createdAt: t('2026-07-10T09:48:00Z'),
								author: null
							}
						]
					}),
					incident({ id: '3', state: 'resolved', resolvedAt: t('2026-07-10T09:50:00Z') })
				],
				maintenances: [
					windowOf('later', '2026-07-13T00:00:00Z', '2026-07-13T01:00:00Z'),
					windowOf('now', '2026-07-10T09:30:00Z', '2026-07-10T13:00:00Z'),
					windowOf('soon', '2026-07-11T00:00:00Z', '2026-07-11T02:00:00Z'),
					windowOf('far', '2026-07-20T00:00:00Z', '2026-07-20T01:00:00Z'),
					windowOf('over', '2026-07-09T00:00:00Z', '2026-07-09T01:00:00Z')
				]
			},
			NOW,
			TZ
		);
		expect(n.incidents.map((c) => [c.id, c.impact, c.state])).toEqual([
			['2', 'critical', 'identified'],
			['1', 'major', 'investigating']
		]);
		expect(n.incidents[0].excerpt).toBe('Cause A bad deploy.');
		expect(n.incidents[0].when).toBe('12 min ago · 11:48 Europe/Berlin');
		expect(n.ongoing.map((c) => [c.id, c.when])).toEqual([['now', 'In progress · until 15:00 Europe/Berlin (3 h left)']]);
		expect(n.upcoming.map((c) => [c.id, c.when])).toEqual([
			['soon', 'Scheduled · Sat 11 Jul, 02:00–04:00 Europe/Berlin (in 14 h)'],
			['later', 'Scheduled · Mon 13 Jul, 02:00–03:00 Europe/Berlin (in 2 days)']
		]);
	});

	it('a recurring window shows its running occurrence and one card for its next ones, not one each', () => {
		const nightly: Maintenance = {
			...windowOf('n', '2026-07-01T00:00:00Z', '2026-07-01T01:00:00Z'),
			window: { rrule: 'FREQ=DAILY', dtstart: '2026-07-01T02:00', durationMinutes: 60, timeZone: TZ }
		};
		const n = homeNotices({ incidents: [], maintenances: [nightly] }, NOW, TZ);
		expect(n.ongoing).toEqual([]);
		// One card for the plan: the next occurrence, the others in the week counted (at least 2 more: the list is capped).
		expect(n.upcoming.map((c) => [c.start, c.more, c.moreCapped])).toEqual([['2026-07-11T00:00:00.000Z', 2, true]]);
	});

	it('the same window object read again after its start is in progress: the kept expansion ends at its boundaries', () => {
		const m = windowOf('w', '2026-07-10T10:01:00Z', '2026-07-10T11:01:00Z');
		const at = (iso: string) => homeNotices({ incidents: [], maintenances: [m] }, t(iso), TZ);
		expect([at('2026-07-10T10:00:00Z').upcoming.length, at('2026-07-10T10:00:00Z').ongoing.length]).toEqual([1, 0]);
		expect([at('2026-07-10T10:01:00Z').upcoming.length, at('2026-07-10T10:01:00Z').ongoing.length]).toEqual([0, 1]);
		expect([at('2026-07-10T11:01:00Z').upcoming.length, at('2026-07-10T11:01:00Z').ongoing.length]).toEqual([0, 0]);
		// Back in time (a test clock): expanded again, not read from the later expansion.
		expect(at('2026-07-10T09:00:00Z').upcoming.length).toBe(1);
	});

	it('words for times and text', () => {
		expect(ago(t('2026-07-10T09:59:30Z'), NOW)).toBe('just now');
		expect(ago(t('2026-07-10T07:55:00Z'), NOW)).toBe('2 h 5 min ago');
		expect(inTime(t('2026-07-10T10:45:00Z'), NOW)).toBe('in 45 min');
		expect(plainExcerpt('> quoted\n\n- item `code`', 100)).toBe('quoted item code');
		expect(plainExcerpt('x'.repeat(300), 10)).toBe('xxxxxxxxx…');
	});
});

describe('banner with incidents and maintenance', () => {
	const up = [
		{ name: 'API', status: 'UP' as const, lastCheck: NOW },
		{ name: 'DB', status: 'UP' as const, lastCheck: NOW }
	];
	it.each([
		['critical', 'DOWN', 'Major outage'],
		['major', 'DOWN', 'Partial outage'],
		['minor', 'DEGRADED', 'Degraded performance'],
		['none', 'UP', 'All systems operational']
	] as const)('an active %s incident with every probe up: %s, %s', (impact, state, headline) => {
		const b = banner(up, NOW, TZ, { incidents: [{ title: 'Payments slow', impact }], maintenance: [] });
		expect([b.state, b.headline]).toEqual([state, headline]);
		if (impact !== 'none') expect(b.subline).toBe('Incident: Payments slow');
	});

	it('never lowers what the probes say; a minor incident under a partial outage leaves it', () => {
		const down = [...up.slice(0, 1), { name: 'DB', status: 'DOWN' as const, lastCheck: NOW }];
		const b = banner(down, NOW, TZ, { incidents: [{ title: 'x', impact: 'minor' }], maintenance: [] });
		expect([b.state, b.headline]).toEqual(['DOWN', 'Partial outage']);
		const worse = banner(down, NOW, TZ, { incidents: [{ title: 'Big', impact: 'critical' }], maintenance: [] });
		expect([worse.headline, worse.subline]).toEqual(['Major outage', 'Incident: Big']);
		expect(worse.note).toContain('Partial outage');
	});

	it('maintenance in progress never says outage: all up becomes "Maintenance in progress"', () => {
		const b = banner(up, NOW, TZ, { incidents: [], maintenance: [{ title: 'DB upgrade' }] });
		expect([b.state, b.headline, b.subline]).toEqual(['MAINTENANCE', 'Maintenance in progress', 'Under maintenance: DB upgrade']);
		const degraded = banner([{ name: 'API', status: 'DEGRADED', lastCheck: NOW }], NOW, TZ, {
			incidents: [],
			maintenance: [{ title: 'x' }]
		});
		expect(degraded.state).toBe('DEGRADED');
	});
});
