// Atlassian Statuspage's public v2 format (/api/v2/status.json and
// /api/v2/summary.json), built from the snapshot, so existing Statuspage
// clients and widgets read Porthole unchanged. Field names and enums follow
// https://developer.statuspage.io (page, components, incidents,
// scheduled_maintenances, status.indicator/description).
//
// Statuspage has no "unknown" component status. A monitor that is not
// current (no check within its expected interval, the page's "No data") is
// left out of components instead of being reported as operational: absence
// of data is never shown as up. The overall status does count it:
// when nothing is worse, the indicator is "minor" and the description says
// how many monitors have no recent data (the home page's banner does too).
//
// Precedence, as the banner: DOWN > DEGRADED > MAINTENANCE > no recent data > UP.
//
// Incidents and maintenance (the in-memory notices) fill in the rest, as
// Statuspage does: summary.json lists the unresolved incidents and the
// maintenance in progress and coming; a monitor in a window in progress is
// "under_maintenance"; and the indicator is the worst of the components and
// the unresolved incidents' impact, "maintenance" when a window runs and
// nothing is worse. When an incident is what sets the indicator, the
// description is its title: Statuspage's own wording there ("Partial System
// Outage") says less, and Atlassian's status widget shows only this line.
import type { PublicMonitor, SnapshotData } from '../snapshot';
import { worstStatus, type BadgeStatus } from '../badge/render';
import { withEtag, type Body } from './http';
import {
	activeMaintenancesJson,
	incidentsJson,
	isUnresolved,
	scheduledMaintenancesJson,
	unresolvedIncidentsJson,
	upcomingMaintenancesJson,
	type Incident,
	type Maintenance,
	type StatuspagePage
} from '../incidents/model';
import { nextOccurrences } from '../maintenance/recurrence';

export type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';
export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

const COMPONENT_STATUS: Record<BadgeStatus, ComponentStatus> = {
	UP: 'operational',
	DEGRADED: 'degraded_performance',
	DOWN: 'major_outage',
	MAINTENANCE: 'under_maintenance'
};

export interface PageInfo {
	/** Absolute site URL (the request's origin). */
	url: string;
	name: string;
	timeZone: string;
}

export interface StatuspageComponent {
	id: string;
	name: string;
	status: ComponentStatus;
	created_at: string;
	updated_at: string;
	position: number;
	description: string | null;
	showcase: boolean;
	start_date: string | null;
	group_id: string | null;
	page_id: string;
	group: boolean;
	only_show_if_degraded: boolean;
	components?: string[];
}

export const PAGE_ID = 'porthole';

/**
 * updated_at is the latest status change or incident and maintenance write,
 * not the time of the snapshot: it then changes only when something visible
 * does, and so does the ETag, so clients polling with If-None-Match get 304s
 * in between (and clients that compare updated_at see an incident update).
 */
function page(data: SnapshotData, info: PageInfo, notices: NoticesNow = NO_NOTICES): StatuspagePage {
	const changes = [
		...data.monitors.map((m) => (m.since ?? m.createdAt).getTime()),
		...notices.incidents
			.flatMap((i) => [i.startedAt, i.resolvedAt, ...i.updates.flatMap((u) => [u.createdAt, u.updatedAt])])
			.flatMap((d) => (d ? [d.getTime()] : [])),
		...notices.maintenances.map((m) => m.updatedAt.getTime())
	];
	const updated = changes.length ? new Date(Math.max(...changes)) : data.generatedAt;
	return { id: PAGE_ID, name: info.name, url: info.url, time_zone: info.timeZone, updated_at: updated.toISOString() };
}

/** Monitors with a status now: current, and with a status Statuspage can name. */
const withData = (ms: PublicMonitor[]) => ms.filter((m) => m.current && m.status && m.status in COMPONENT_STATUS);

const noRecentData = (n: number) => `${n} monitor${n === 1 ? ' has' : 's have'} no recent data`;

/** Incidents and maintenance as visitors may see them, and the time they are judged at. */
export interface NoticesNow {
	incidents: Incident[];
	maintenances: Maintenance[];
	now: Date;
}

const NO_NOTICES: NoticesNow = { incidents: [], maintenances: [], now: new Date(0) };

const RANK: Record<Indicator, number> = { none: 0, maintenance: 1, minor: 2, major: 3, critical: 4 };

/** Windows with an occurrence in progress at `now`. */
export function activeWindows(n: NoticesNow): Maintenance[] {
	return n.maintenances.filter((m) => nextOccurrences(m.window, n.now, 1).some((o) => o.start <= n.now && n.now < o.end));
}

/** Overall indicator and description: the monitors', raised by unresolved incidents and maintenance in progress. */
export function overallStatus(monitors: PublicMonitor[], notices: NoticesNow = NO_NOTICES): { indicator: Indicator; description: string } {
	const probes = probeStatus(monitors);
	const open = notices.incidents.filter((i) => isUnresolved(i) && i.impact !== 'none');
	const worst = open.reduce<Incident | null>((w, i) => (!w || RANK[i.impact as Indicator] > RANK[w.impact as Indicator] ? i : w), null);
	// Ties go to the incident: its title says more than the monitors' words (and an unknown status knows nothing).
	if (worst && (RANK[worst.impact as Indicator] >= RANK[probes.indicator] || probes.description === 'Status unknown')) {
		const more = open.length - 1;
		return {
			indicator: worst.impact as Indicator,
			description: more ? `${worst.title} (and ${more} more incident${more === 1 ? '' : 's'})` : worst.title
		};
	}
	if (probes.indicator === 'none' && activeWindows(notices).length)
		return { indicator: 'maintenance', description: 'Maintenance in progress' };
	return probes;
}

/** The monitors' indicator alone (the banner's words, Statuspage's enum). */
function probeStatus(monitors: PublicMonitor[]): { indicator: Indicator; description: string } {
	if (monitors.length === 0) return { indicator: 'none', description: 'No monitors to show yet' };
	const seen = withData(monitors);
	// Unknown is not "none" (all good): a client must not read silence as health.
	if (seen.length === 0) return { indicator: 'minor', description: 'Status unknown' };
	const down = seen.filter((m) => m.status === 'DOWN').length;
	if (down === monitors.length) return { indicator: 'critical', description: 'Major outage' };
	switch (worstStatus(seen.map((m) => m.status))) {
		case 'DOWN':
			return { indicator: 'major', description: 'Partial outage' };
		case 'DEGRADED':
			return { indicator: 'minor', description: 'Degraded performance' };
		case 'MAINTENANCE':
			return { indicator: 'maintenance', description: 'Maintenance in progress' };
	}
	const unknown = monitors.length - seen.length;
	if (unknown > 0) return { indicator: 'minor', description: noRecentData(unknown) };
	return { indicator: 'none', description: 'All systems operational' };
}

function components(data: SnapshotData, inMaintenance: Set<string> = new Set()): StatuspageComponent[] {
	const out: StatuspageComponent[] = [];
	const statusOf = (m: PublicMonitor): BadgeStatus => (inMaintenance.has(m.tag) ? 'MAINTENANCE' : (m.status as BadgeStatus));
	const groups = new Map<string, StatuspageComponent>();
	const groupMembers = new Map<string, PublicMonitor[]>();
	let position = 0;
	// A monitor in a window in progress is listed even before its first check in the window.
	for (const m of data.monitors.filter((m) => inMaintenance.has(m.tag) || withData([m]).length)) {
		let groupId: string | null = null;
		if (m.group) {
			groupId = `group:${m.group}`;
			let g = groups.get(groupId);
			if (!g) {
				g = {
					id: groupId,
					name: m.group,
					status: 'operational',
					created_at: m.createdAt.toISOString(),
					updated_at: m.createdAt.toISOString(),
					position: ++position,
					description: null,
					showcase: false,
					start_date: null,
					group_id: null,
					page_id: PAGE_ID,
					group: true,
					only_show_if_degraded: false,
					components: []
				};
				groups.set(groupId, g);
				groupMembers.set(groupId, []);
				out.push(g);
			}
			g.components!.push(m.tag);
			groupMembers.get(groupId)!.push(m);
		}
		const since = m.since ?? m.createdAt;
		out.push({
			id: m.tag,
			name: m.name,
			status: COMPONENT_STATUS[statusOf(m)],
			created_at: m.createdAt.toISOString(),
			updated_at: since.toISOString(),
			position: ++position,
			description: m.description || null,
			showcase: true,
			start_date: null,
			group_id: groupId,
			page_id: PAGE_ID,
			group: false,
			only_show_if_degraded: false
		});
	}
	// A group shows its worst member, and changed when its latest member did.
	for (const [id, g] of groups) {
		const members = groupMembers.get(id)!;
		g.status = COMPONENT_STATUS[worstStatus(members.map(statusOf)) ?? 'UP'];
		const latest = Math.max(...members.map((m) => (m.since ?? m.createdAt).getTime()));
		const first = Math.min(...members.map((m) => m.createdAt.getTime()));
		g.updated_at = new Date(latest).toISOString();
		g.created_at = new Date(first).toISOString();
	}
	return out;
}

export function statusJson(data: SnapshotData, info: PageInfo, notices: NoticesNow = NO_NOTICES) {
	return { page: page(data, info, notices), status: overallStatus(data.monitors, notices) };
}

export function summaryJson(data: SnapshotData, info: PageInfo, notices: NoticesNow = NO_NOTICES) {
	const p = page(data, info, notices);
	const active = activeWindows(notices);
	const inMaintenance = new Set(active.flatMap((m) => m.monitors.map((c) => c.tag)));
	return {
		page: p,
		components: components(data, inMaintenance),
		incidents: unresolvedIncidentsJson(p, notices.incidents).incidents,
		scheduled_maintenances: [
			...activeMaintenancesJson(p, notices.maintenances, notices.now).scheduled_maintenances,
			...upcomingMaintenancesJson(p, notices.maintenances, notices.now).scheduled_maintenances
		],
		status: overallStatus(data.monitors, notices)
	};
}

/** The Statuspage documents Porthole serves under /api/v2. */
export const STATUSPAGE_KINDS = [
	'status',
	'summary',
	'incidents',
	'incidents/unresolved',
	'scheduled-maintenances',
	'scheduled-maintenances/upcoming',
	'scheduled-maintenances/active'
] as const;
export type StatuspageKind = (typeof STATUSPAGE_KINDS)[number];

export function statuspageDocument(kind: StatuspageKind, data: SnapshotData, info: PageInfo, n: NoticesNow): unknown {
	const p = () => page(data, info, n);
	switch (kind) {
		case 'status':
			return statusJson(data, info, n);
		case 'summary':
			return summaryJson(data, info, n);
		case 'incidents':
			return incidentsJson(p(), n.incidents);
		case 'incidents/unresolved':
			return unresolvedIncidentsJson(p(), n.incidents);
		case 'scheduled-maintenances':
			return scheduledMaintenancesJson(p(), n.maintenances, n.now);
		case 'scheduled-maintenances/upcoming':
			return upcomingMaintenancesJson(p(), n.maintenances, n.now);
		case 'scheduled-maintenances/active':
			return activeMaintenancesJson(p(), n.maintenances, n.now);
	}
}

/**
 * The serialised document. Rendered once per snapshot, notices phase and
 * request shape by the answer cache (public/cache.ts): 1,000 components are
 * ~300 KB of JSON, far too much to stringify per request.
 */
export function statuspageBody(kind: StatuspageKind, data: SnapshotData, info: PageInfo, notices: NoticesNow = NO_NOTICES): Body {
	return withEtag(JSON.stringify(statuspageDocument(kind, data, info, notices)), 'application/json; charset=utf-8');
}
