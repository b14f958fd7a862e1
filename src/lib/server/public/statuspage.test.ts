import { describe, expect, it } from 'vitest';
import type { PublicMonitor, SnapshotData } from '../snapshot';
import { overallStatus, statusJson, summaryJson } from './statuspage';

const T0 = new Date('2026-01-01T00:00:00Z');
const noLatency = { avg: null, min: null, max: null, count: 0 };

/** current: a check within its interval; false for "no recent data" (by default, when it never had a check). */
function mon(tag: string, status: string | null, group: string | null = null, current = status !== null): PublicMonitor {
	return {
		id: tag.length,
		tag,
		name: tag.toUpperCase(),
		description: '',
		group,
		order: 0,
		cron: '* * * * *',
		current,
		status: status as PublicMonitor['status'],
		latency: 1,
		lastCheck: T0,
		since: status ? T0 : null,
		createdAt: T0,
		uptime: { '24h': null, '7d': null, '30d': null, '90d': null },
		latencyStats: { '24h': noLatency, '7d': noLatency, '30d': noLatency, '90d': noLatency }
	};
}

function data(monitors: PublicMonitor[]): SnapshotData {
	return { version: 1, generatedAt: T0, monitors, byTag: new Map(monitors.map((m) => [m.tag, m])) };
}

const INFO = { url: 'https://status.example.test', name: 'Acme', timeZone: 'Europe/Berlin' };

describe('Statuspage indicator', () => {
	it.each([
		[['UP', 'UP'], 'none', 'All systems operational'],
		[['UP', 'DEGRADED'], 'minor', 'Degraded performance'],
		[['DEGRADED', 'DOWN', 'UP'], 'major', 'Partial outage'],
		[['DOWN', 'DOWN'], 'critical', 'Major outage'],
		// Down with one unknown is not "all down" (the banner says "Partial outage" too).
		[['DOWN', 'DOWN', null], 'major', 'Partial outage'],
		[['UP', 'MAINTENANCE'], 'maintenance', 'Maintenance in progress'],
		[['UP', 'MAINTENANCE', null], 'maintenance', 'Maintenance in progress'],
		[['MAINTENANCE', 'DEGRADED'], 'minor', 'Degraded performance'],
		// All with data up, some without: not "none".
		[['UP', null], 'minor', '1 monitor has no recent data'],
		[['UP', null, null], 'minor', '2 monitors have no recent data'],
		[[null], 'minor', 'Status unknown'],
		[[], 'none', 'No monitors to show yet']
	])('%j → %s', (statuses, indicator, description) => {
		expect(overallStatus(statuses.map((s, i) => mon(`m${i}`, s)))).toEqual({ indicator, description });
	});

	it('a monitor whose last check is too old is unknown whatever it said', () => {
		const stale = mon('s', 'UP', null, false);
		expect(overallStatus([mon('a', 'UP'), stale])).toEqual({ indicator: 'minor', description: '1 monitor has no recent data' });
		expect(overallStatus([mon('a', 'UP'), mon('d', 'DOWN', null, false)])).toEqual({
			indicator: 'minor',
			description: '1 monitor has no recent data'
		});
		expect(overallStatus([stale])).toEqual({ indicator: 'minor', description: 'Status unknown' });
		const s = summaryJson(data([mon('a', 'UP'), stale]), INFO);
		expect(s.components.map((c) => c.id)).toEqual(['a']);
		expect(s.status.description).toBe('1 monitor has no recent data');
	});
});

describe('Statuspage v2 schema', () => {
	const isIso = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && v.endsWith('Z');
	const page = (p: object) => {
		expect(Object.keys(p).sort()).toEqual(['id', 'name', 'time_zone', 'updated_at', 'url']);
		expect(p).toMatchObject({ id: 'porthole', name: 'Acme', url: INFO.url, time_zone: 'Europe/Berlin' });
		expect(isIso((p as { updated_at: unknown }).updated_at)).toBe(true);
	};

	it('status.json has page and status only', () => {
		const s = statusJson(data([mon('a', 'UP')]), INFO);
		expect(Object.keys(s).sort()).toEqual(['page', 'status']);
		page(s.page);
		expect(s.status).toEqual({ indicator: 'none', description: 'All systems operational' });
	});

	it('summary.json has every Statuspage field with the right types and enums', () => {
		const s = summaryJson(
			data([mon('a', 'UP'), mon('b', 'DEGRADED', 'G'), mon('c', 'DOWN', 'G'), mon('d', 'MAINTENANCE'), mon('e', null)]),
			INFO
		);
		expect(Object.keys(s).sort()).toEqual(['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
		page(s.page);
		expect(s.incidents).toEqual([]);
		expect(s.scheduled_maintenances).toEqual([]);
		const fields = [
			'created_at',
			'description',
			'group',
			'group_id',
			'id',
			'name',
			'only_show_if_degraded',
			'page_id',
			'position',
			'showcase',
			'start_date',
			'status',
			'updated_at'
		];
		const enumStatus = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
		s.components.forEach((c, i) => {
			const keys = Object.keys(c)
				.filter((k) => k !== 'components')
				.sort();
			expect(keys).toEqual(fields);
			expect(typeof c.id).toBe('string');
			expect(typeof c.name).toBe('string');
			expect(enumStatus).toContain(c.status);
			expect(isIso(c.created_at) && isIso(c.updated_at)).toBe(true);
			expect(c.position).toBe(i + 1);
			expect(c.page_id).toBe('porthole');
			expect(typeof c.group).toBe('boolean');
			if (c.group) expect(Array.isArray(c.components)).toBe(true);
		});
		expect(s.components.map((c) => [c.id, c.status])).toEqual([
			['a', 'operational'],
			['group:G', 'major_outage'],
			['b', 'degraded_performance'],
			['c', 'major_outage'],
			['d', 'under_maintenance']
		]);
		// No data is not "operational": the monitor without checks is left out.
		expect(s.components.some((c) => c.id === 'e')).toBe(false);
		expect(s.status.indicator).toBe('major');
	});

	it('status.json says when monitors have no recent data', () => {
		expect(statusJson(data([mon('a', 'UP'), mon('b', 'UP', null, false), mon('c', null)]), INFO).status).toEqual({
			indicator: 'minor',
			description: '2 monitors have no recent data'
		});
	});
});

describe('Statuspage with incidents and maintenance', () => {
	const NOW = new Date('2026-01-01T12:00:00Z');
	const incident = (
		id: string,
		impact: 'none' | 'minor' | 'major' | 'critical',
		state: 'investigating' | 'resolved' = 'investigating'
	) => ({
		id,
		title: `Incident ${id}`,
		impact,
		state,
		startedAt: new Date(NOW.getTime() - Number(id) * 60_000),
		resolvedAt: state === 'resolved' ? NOW : null,
		monitors: [],
		updates: [{ id: `u${id}`, state, body: 'b', createdAt: NOW, author: null }],
		postmortem: null
	});
	const windowNow = {
		id: 'w',
		title: 'DB upgrade',
		description: '',
		monitors: [{ tag: 'b', name: 'B' }],
		window: { start: new Date(NOW.getTime() - 60_000), end: new Date(NOW.getTime() + 60_000) },
		createdAt: T0,
		updatedAt: T0
	};
	const up = [mon('a', 'UP'), mon('b', 'UP')];

	it('the indicator is the worst of the monitors and the unresolved incidents; the description names the incident', () => {
		const n = (incidents: ReturnType<typeof incident>[], maintenances: (typeof windowNow)[] = []) => ({
			incidents,
			maintenances,
			now: NOW
		});
		expect(overallStatus(up, n([incident('1', 'critical')]))).toEqual({ indicator: 'critical', description: 'Incident 1' });
		expect(overallStatus(up, n([incident('1', 'minor'), incident('2', 'major')]))).toEqual({
			indicator: 'major',
			description: 'Incident 2 (and 1 more incident)'
		});
		// Resolved and impact-free incidents change nothing; a worse probe state wins.
		expect(overallStatus(up, n([incident('1', 'critical', 'resolved'), incident('2', 'none')])).indicator).toBe('none');
		expect(overallStatus([mon('a', 'DOWN'), mon('b', 'UP')], n([incident('1', 'minor')]))).toEqual({
			indicator: 'major',
			description: 'Partial outage'
		});
		// Maintenance only when nothing is worse.
		expect(overallStatus(up, n([], [windowNow]))).toEqual({ indicator: 'maintenance', description: 'Maintenance in progress' });
		expect(overallStatus(up, n([incident('1', 'minor')], [windowNow])).indicator).toBe('minor');
	});

	it('summary lists unresolved incidents, active and upcoming maintenance, and the component under maintenance', () => {
		const s = summaryJson(data(up), INFO, {
			incidents: [incident('1', 'major'), incident('2', 'minor', 'resolved')],
			maintenances: [windowNow],
			now: NOW
		});
		expect(s.incidents.map((i) => i.id)).toEqual(['1']);
		expect(s.scheduled_maintenances.map((m) => [m.id, m.status])).toEqual([['w', 'in_progress']]);
		expect(s.components.map((c) => [c.id, c.status])).toEqual([
			['a', 'operational'],
			['b', 'under_maintenance']
		]);
		expect(statusJson(data(up), INFO).status.indicator).toBe('none');
	});

	it("page.updated_at moves with an incident update or a maintenance edit, not only with the monitors' status", () => {
		const later = new Date(NOW.getTime() + 5 * 60_000);
		const i = incident('1', 'minor');
		const updated = {
			...i,
			updates: [...i.updates, { id: 'u2', state: 'investigating' as const, body: 'c', createdAt: later, author: null }]
		};
		const n = (incidents: ReturnType<typeof incident>[], maintenances: (typeof windowNow)[] = []) => ({
			incidents,
			maintenances,
			now: NOW
		});
		expect(statusJson(data(up), INFO).page.updated_at).toBe(T0.toISOString());
		expect(statusJson(data(up), INFO, n([updated])).page.updated_at).toBe(later.toISOString());
		expect(summaryJson(data(up), INFO, n([updated])).page.updated_at).toBe(later.toISOString());
		expect(statusJson(data(up), INFO, n([], [{ ...windowNow, updatedAt: later }])).page.updated_at).toBe(later.toISOString());
	});
});
