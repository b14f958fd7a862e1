import { describe, expect, it } from 'vitest';
import {
	activeMaintenancesJson,
	COMPONENT_STATUS_FOR,
	incidentsJson,
	scheduledMaintenancesJson,
	unresolvedIncidentsJson,
	upcomingMaintenancesJson,
	worstImpact,
	type Incident,
	type Maintenance,
	type StatuspagePage
} from './model';

const page: StatuspagePage = {
	id: 'porthole',
	name: 'Acme status',
	url: 'https://status.example.com/',
	time_zone: 'Europe/Berlin',
	updated_at: '2026-06-01T12:00:00.000Z'
};
const t = (s: string) => new Date(`2026-06-01T${s}:00Z`);

const open: Incident = {
	id: '7',
	title: 'Database slow',
	impact: 'major',
	state: 'monitoring',
	startedAt: t('10:00'),
	resolvedAt: null,
	monitors: [
		{ tag: 'db', name: 'Database', impact: 'critical' },
		{ tag: 'api', name: 'API', impact: 'minor' }
	],
	updates: [
		{ id: 'u2', state: 'monitoring', body: 'A fix is out; watching.', createdAt: t('10:40'), author: 'ana' },
		{
			id: 'u1',
			state: 'investigating',
			body: 'Looking into **slow** queries.',
			createdAt: t('10:05'),
			author: 'ana',
			updatedAt: t('10:07')
		}
	],
	postmortem: null
};
const resolved: Incident = {
	...open,
	id: '6',
	title: 'Old outage',
	state: 'resolved',
	startedAt: t('08:00'),
	resolvedAt: t('09:00'),
	updates: [{ id: 'r1', state: 'resolved', body: 'Fixed.', createdAt: t('09:00'), author: null }],
	postmortem: 'Root cause: a full disk.'
};

describe('the Statuspage vocabulary', () => {
	it('maps a monitor impact to a component status and finds the worst impact', () => {
		expect(COMPONENT_STATUS_FOR).toEqual({
			none: 'operational',
			minor: 'degraded_performance',
			major: 'partial_outage',
			critical: 'major_outage'
		});
		expect(worstImpact(['minor', 'critical', 'major'])).toBe('critical');
		expect(worstImpact([])).toBe('none');
	});
});

describe('incidents.json and incidents/unresolved.json', () => {
	it('have page then incidents, newest first; unresolved leaves the resolved one out', () => {
		const all = incidentsJson(page, [resolved, open]);
		expect(Object.keys(all)).toEqual(['page', 'incidents']);
		expect(all.page).toBe(page);
		expect(all.incidents.map((i) => [i.id, i.status])).toEqual([
			['7', 'monitoring'],
			['6', 'postmortem']
		]);
		expect(unresolvedIncidentsJson(page, [resolved, open]).incidents.map((i) => i.id)).toEqual(['7']);
	});

	it('an incident has Statuspage fields, updates newest first, components by impact', () => {
		const [i] = incidentsJson(page, [open]).incidents;
		expect(i).toEqual({
			id: '7',
			name: 'Database slow',
			status: 'monitoring',
			impact: 'major',
			created_at: '2026-06-01T10:00:00.000Z',
			updated_at: '2026-06-01T10:40:00.000Z',
			started_at: '2026-06-01T10:00:00.000Z',
			monitoring_at: '2026-06-01T10:40:00.000Z',
			resolved_at: null,
			shortlink: 'https://status.example.com/incidents/7',
			page_id: 'porthole',
			incident_updates: [
				{
					id: 'u2',
					status: 'monitoring',
					body: 'A fix is out; watching.',
					incident_id: '7',
					created_at: '2026-06-01T10:40:00.000Z',
					updated_at: '2026-06-01T10:40:00.000Z',
					display_at: '2026-06-01T10:40:00.000Z',
					affected_components: null,
					deliver_notifications: false
				},
				{
					id: 'u1',
					status: 'investigating',
					body: 'Looking into **slow** queries.',
					incident_id: '7',
					created_at: '2026-06-01T10:05:00.000Z',
					updated_at: '2026-06-01T10:07:00.000Z',
					display_at: '2026-06-01T10:05:00.000Z',
					affected_components: [
						{ code: 'db', name: 'Database', old_status: 'operational', new_status: 'major_outage' },
						{ code: 'api', name: 'API', old_status: 'operational', new_status: 'degraded_performance' }
					],
					deliver_notifications: false
				}
			],
			components: [
				{ id: 'db', name: 'Database', status: 'major_outage', page_id: 'porthole', group: false, group_id: null },
				{ id: 'api', name: 'API', status: 'degraded_performance', page_id: 'porthole', group: false, group_id: null }
			],
			postmortem_body: null
		});
	});

	it('a resolved incident shows its components operational, and "resolved" until it has a postmortem', () => {
		const [i] = incidentsJson(page, [{ ...resolved, postmortem: '  ' }]).incidents;
		expect(i.status).toBe('resolved');
		expect(i.resolved_at).toBe('2026-06-01T09:00:00.000Z');
		expect(i.postmortem_body).toBeNull();
		expect(i.components.map((c) => c.status)).toEqual(['operational', 'operational']);
		expect(incidentsJson(page, [resolved]).incidents[0].postmortem_body).toBe('Root cause: a full disk.');
	});

	it('keeps the 50 most recent', () => {
		const many = Array.from({ length: 60 }, (_, n) => ({ ...resolved, id: String(n), startedAt: new Date(Date.UTC(2026, 0, 1 + n)) }));
		const out = incidentsJson(page, many).incidents;
		expect(out).toHaveLength(50);
		expect(out[0].id).toBe('59');
	});
});

describe('scheduled maintenance endpoints', () => {
	const oneOff: Maintenance = {
		id: 'm1',
		title: 'Database upgrade',
		description: 'Upgrading **PostgreSQL**.',
		monitors: [{ tag: 'db', name: 'Database' }],
		window: { start: t('12:00'), end: t('13:00') },
		createdAt: t('08:00'),
		updatedAt: t('08:00')
	};
	const nightly: Maintenance = {
		...oneOff,
		id: 'm2',
		title: 'Nightly backup',
		window: { rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=0', dtstart: '2026-05-01T02:00', durationMinutes: 30, timeZone: 'Europe/Berlin' }
	};

	it('before a one-off window: upcoming, not active, status scheduled with components operational', () => {
		const now = t('11:00');
		const up = upcomingMaintenancesJson(page, [oneOff], now);
		expect(Object.keys(up)).toEqual(['page', 'scheduled_maintenances']);
		expect(up.scheduled_maintenances).toHaveLength(1);
		const m = up.scheduled_maintenances[0];
		expect(m).toMatchObject({
			id: 'm1',
			name: 'Database upgrade',
			status: 'scheduled',
			impact: 'maintenance',
			scheduled_for: '2026-06-01T12:00:00.000Z',
			scheduled_until: '2026-06-01T13:00:00.000Z',
			resolved_at: null,
			page_id: 'porthole',
			components: [{ id: 'db', status: 'operational' }]
		});
		expect(m.incident_updates.map((u) => [u.status, u.body])).toEqual([['scheduled', 'Upgrading **PostgreSQL**.']]);
		expect(activeMaintenancesJson(page, [oneOff], now).scheduled_maintenances).toEqual([]);
	});

	it('during it: active, in_progress, components under_maintenance', () => {
		const active = activeMaintenancesJson(page, [oneOff], t('12:30')).scheduled_maintenances;
		expect(active.map((m) => [m.id, m.status])).toEqual([['m1', 'in_progress']]);
		expect(active[0].components[0].status).toBe('under_maintenance');
		expect(active[0].incident_updates.map((u) => u.status)).toEqual(['in_progress', 'scheduled']);
		expect(upcomingMaintenancesJson(page, [oneOff], t('12:30')).scheduled_maintenances).toEqual([]);
	});

	it('after it: completed in scheduled-maintenances.json only; a manual end ends it early', () => {
		const all = scheduledMaintenancesJson(page, [oneOff], t('14:00')).scheduled_maintenances;
		expect(all.map((m) => [m.id, m.status, m.resolved_at])).toEqual([['m1', 'completed', '2026-06-01T13:00:00.000Z']]);
		expect(all[0].incident_updates.map((u) => u.status)).toEqual(['completed', 'in_progress', 'scheduled']);
		const ended = { ...oneOff, window: { ...oneOff.window, endedAt: t('12:20') } };
		expect(activeMaintenancesJson(page, [ended], t('12:30')).scheduled_maintenances).toEqual([]);
		expect(scheduledMaintenancesJson(page, [ended], t('12:30')).scheduled_maintenances[0]).toMatchObject({
			status: 'completed',
			scheduled_until: '2026-06-01T12:20:00.000Z'
		});
	});

	it('a recurring window is one entry per occurrence with a stable id, at most 5 upcoming', () => {
		const now = t('12:00');
		const up = upcomingMaintenancesJson(page, [nightly, oneOff], now).scheduled_maintenances;
		expect(up.map((m) => m.id)).toEqual([
			'm2-20260602T000000Z',
			'm2-20260603T000000Z',
			'm2-20260604T000000Z',
			'm2-20260605T000000Z',
			'm2-20260606T000000Z'
		]);
		const all = scheduledMaintenancesJson(page, [nightly, oneOff], now).scheduled_maintenances;
		// Latest first: 5 coming, the one-off starting now (in progress), then the last 5 nights.
		expect(all.map((m) => m.status)).toEqual([...Array(5).fill('scheduled'), 'in_progress', ...Array(5).fill('completed')]);
		expect(all.map((m) => m.scheduled_for)).toEqual([...all.map((m) => m.scheduled_for)].sort().reverse());
	});
});
