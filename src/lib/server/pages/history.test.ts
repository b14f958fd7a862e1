import { describe, expect, it } from 'vitest';
import type { Incident, Maintenance } from '../incidents/model';
import { historyView, parsePage } from './history';
import { incidentPage, maintenancePage } from './incident';
import { dayIncidentLines, incidentDays, MONITOR_LIST_LIMIT, monitorNotices, packMarks } from './monitor-notices';

const TZ = 'UTC';
const NOW = new Date('2026-07-10T10:00:00Z');
const t = (iso: string) => new Date(iso);

const inc = (id: string, start: string, end: string | null, over: Partial<Incident> = {}): Incident => ({
	id,
	title: `Incident ${id}`,
	impact: 'minor',
	state: end ? 'resolved' : 'investigating',
	startedAt: t(start),
	resolvedAt: end ? t(end) : null,
	monitors: [{ tag: 'api', name: 'API', impact: 'minor' }],
	updates: [{ id: '1', state: 'investigating', body: 'Looking.', createdAt: t(start), author: null }],
	postmortem: null,
	...over
});
const win = (id: string, start: string, end: string): Maintenance => ({
	id,
	title: `Window ${id}`,
	description: '**Upgrade**',
	monitors: [{ tag: 'api', name: 'API' }],
	window: { start: t(start), end: t(end) },
	createdAt: t('2026-01-01T00:00:00Z'),
	updatedAt: t('2026-01-01T00:00:00Z')
});

describe('history', () => {
	it('groups by month newest first, fills quiet months, and leaves out windows not begun', () => {
		const h = historyView(
			[inc('1', '2026-07-02T10:00:00Z', '2026-07-02T12:14:00Z'), inc('2', '2026-04-30T23:00:00Z', '2026-05-01T01:00:00Z')],
			[win('m', '2026-06-03T02:00:00Z', '2026-06-03T03:00:00Z'), win('future', '2026-08-01T00:00:00Z', '2026-08-01T01:00:00Z')],
			{ page: 1, now: NOW, timeZone: TZ }
		);
		expect(h.months.map((m) => [m.label, m.entries.map((e) => e.title)])).toEqual([
			['July 2026', ['Incident 1']],
			['June 2026', ['Window m']],
			['May 2026', []],
			['April 2026', ['Incident 2']]
		]);
		expect(h.months[0].entries[0]).toMatchObject({ dates: '2 Jul 10:00 → 12:14 UTC', length: '2 h 14 min', href: '/incidents/1' });
		expect(h.months[3].entries[0].dates).toBe('30 Apr 23:00 → 1 May 01:00 UTC');
		expect(h.months[1].entries[0]).toMatchObject({ impact: 'maintenance', length: '1 h', href: '/maintenance/m' });
		expect([h.newer, h.older]).toEqual([null, null]);
	});

	it('pages: the slice of the merged list, with neighbours', () => {
		const list = Array.from({ length: 5 }, (_, i) => inc(String(i + 1), `2026-07-0${i + 1}T10:00:00Z`, null));
		const p2 = historyView(list, [], { page: 2, now: NOW, timeZone: TZ, perPage: 2 });
		expect(p2.months.flatMap((m) => m.entries.map((e) => e.id))).toEqual(['3', '2']);
		expect([p2.newer, p2.older]).toEqual([1, 3]);
		expect(p2.months[0].entries[0].length).toBe('ongoing');
		expect(parsePage('3')).toBe(3);
		expect(parsePage(null)).toBe(1);
		for (const bad of ['0', '-1', '1e9', '1e309', 'NaN', '03', '99999999', '']) expect(parsePage(bad), bad).toBeNull();
	});
});

describe('incident and maintenance pages', () => {
	it('timeline newest first, postmortem rendered, total duration when resolved, Markdown safe', () => {
		const p = incidentPage(
			inc('7', '2026-07-09T08:00:00Z', '2026-07-09T10:14:00Z', {
				postmortem: 'A *cause*',
				updates: [
					{ id: '1', state: 'investigating', body: 'x <script>alert(1)</script>', createdAt: t('2026-07-09T08:00:00Z'), author: null },
					{ id: '2', state: 'resolved', body: 'Fixed.', createdAt: t('2026-07-09T10:14:00Z'), author: null }
				]
			}),
			NOW,
			TZ
		);
		expect(p.duration).toBe('Resolved after 2 h 14 min');
		expect(p.updates.map((u) => u.state)).toEqual(['resolved', 'investigating']);
		expect(p.updates[1].html).toContain('&lt;script&gt;');
		expect(p.updates[1].html).not.toContain('<script>');
		expect(p.postmortemHtml).toBe('<p>A <em>cause</em></p>\n');
		expect(p.started).toBe('Thu 9 Jul 2026, 08:00 UTC');
		expect(incidentPage(inc('8', '2026-07-10T09:15:00Z', null), NOW, TZ).duration).toBe('Ongoing for 45 min');
	});

	it('a window: in progress, then completed', () => {
		const w = win('m', '2026-07-10T09:00:00Z', '2026-07-10T11:00:00Z');
		const now = maintenancePage(w, NOW, TZ);
		expect(now.current?.when).toBe('In progress · until 11:00 UTC (1 h left)');
		expect(now.descriptionHtml).toBe('<p><strong>Upgrade</strong></p>\n');
		const later = maintenancePage(w, t('2026-07-11T00:00:00Z'), TZ);
		expect([later.current, later.over, later.past]).toEqual([null, 'Completed', ['Fri 10 Jul 2026, 09:00–11:00 UTC']]);
	});
});

describe('a monitor and its bar', () => {
	const days = ['2026-07-07', '2026-07-08', '2026-07-09', '2026-07-10'];
	const list = [
		inc('1', '2026-07-08T22:00:00Z', '2026-07-09T01:00:00Z', { title: 'Slow', monitors: [{ tag: 'api', name: 'API', impact: 'minor' }] }),
		inc('2', '2026-07-09T05:00:00Z', null, {
			title: 'Down',
			impact: 'critical',
			monitors: [{ tag: 'api', name: 'API', impact: 'critical' }]
		}),
		inc('3', '2026-07-01T00:00:00Z', '2026-07-01T01:00:00Z', { monitors: [{ tag: 'db', name: 'DB', impact: 'major' }] })
	];

	it('marks each day an incident was open with the worst impact, and lists the titles', () => {
		const byTag = incidentDays(list, days, NOW, TZ);
		expect(packMarks(byTag.get('api'))).toEqual([1, 1, 2, 3, 3, 3]);
		// The db incident is before the bar's days: no marks.
		expect(byTag.has('db')).toBe(false);
		expect(dayIncidentLines(byTag.get('api')!.get(2))).toEqual(['Incident: Slow (minor impact)', 'Incident: Down (critical impact)']);
	});

	it("lists the monitor's incidents (its own impact) and windows", () => {
		const n = monitorNotices('api', { incidents: list, maintenances: [win('m', '2026-07-10T09:00:00Z', '2026-07-10T11:00:00Z')] }, NOW, TZ);
		expect(n.incidents.map((e) => [e.title, e.impact])).toEqual([
			['Down', 'critical'],
			['Slow', 'minor']
		]);
		expect(n.ongoing.map((c) => c.id)).toEqual(['m']);
		expect(n.pastMaintenance.map((e) => [e.id, e.length])).toEqual([['m', 'ongoing']]);
		expect(monitorNotices('db', { incidents: list, maintenances: [] }, NOW, TZ).incidents.map((e) => e.id)).toEqual(['3']);
	});

	it('lists at most MONITOR_LIST_LIMIT incidents, the newest, and counts the rest', () => {
		const many = Array.from({ length: MONITOR_LIST_LIMIT + 5 }, (_, k) =>
			inc(String(k + 1), new Date(Date.parse('2026-07-09T00:00:00Z') - k * 3_600_000).toISOString(), '2026-07-09T06:00:00Z', {
				monitors: [{ tag: 'api', name: 'API', impact: 'minor' }]
			})
		);
		const n = monitorNotices('api', { incidents: many, maintenances: [] }, NOW, TZ);
		expect(n.incidents).toHaveLength(MONITOR_LIST_LIMIT);
		expect(n.incidents[0].id).toBe('1');
		expect(n.more).toBe(5);
		// One still open but older than all the rest is kept, in its place by start.
		many[many.length - 1] = { ...many[many.length - 1], state: 'investigating', resolvedAt: null };
		const open = monitorNotices('api', { incidents: many, maintenances: [] }, NOW, TZ).incidents;
		expect(open).toHaveLength(MONITOR_LIST_LIMIT);
		expect(open.at(-1)?.id).toBe(String(many.length));
		expect(monitorNotices('api', { incidents: list, maintenances: [] }, NOW, TZ).more).toBe(0);
	});
});
