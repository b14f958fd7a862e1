// Incidents and maintenance: Porthole's vocabulary, which is Atlassian
// Statuspage's, and pure serialisers to Statuspage's public v2 JSON
// (incidents.json, incidents/unresolved.json, scheduled-maintenances.json,
// scheduled-maintenances/upcoming.json, scheduled-maintenances/active.json),
// so Statuspage clients and Atlassian's status widget read Porthole unchanged.
//
// Field names and values were checked against:
// - Atlassian's documentation: the incident sample of the REST API
//   (doers.statuspage.io/api/v1/incidents: incident_updates with id, status,
//   body, incident_id, created_at, updated_at, display_at; impact
//   none/minor/major/critical; maintenance updates scheduled, in_progress,
//   verifying, completed), and its descriptions of the public v2 endpoints
//   (unresolved.json: investigating, identified or monitoring; incidents.json:
//   the 50 most recent, resolved and postmortem too; active.json: in_progress
//   or verifying; upcoming.json: scheduled), as the statuspage.io npm client
//   quotes them;
// - the public v2 endpoints of a page hosted on Statuspage, as documented by
//   MongoDB for status.mongodb.com/api/v2: each endpoint is {page, incidents}
//   or {page, scheduled_maintenances}; incident fields id, name, status,
//   impact, created_at, updated_at, monitoring_at, resolved_at, shortlink,
//   page_id, incident_updates, postmortem_body; update statuses include
//   postmortem; maintenances add scheduled_for and scheduled_until and may
//   have impact "maintenance";
// - openstatus (github.com/openstatusHQ/openstatus), which reads and serves
//   the same shapes: packages/importers/src/providers/statuspage/api-types.ts
//   (component statuses operational, degraded_performance, partial_outage,
//   major_outage, under_maintenance; affected_components {code, name,
//   old_status, new_status}) and apps/status-page/src/content/status-json.ts.
import { nextOccurrences, occurrences, type Interval, type MaintenanceWindow } from '../maintenance/recurrence';

export const INCIDENT_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];

export const INCIDENT_STATES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
/** Statuspage's incident status: Porthole's states, and "postmortem" once a resolved incident has one. */
export type StatuspageIncidentStatus = IncidentState | 'postmortem';

export const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** Statuspage's maintenance states; Porthole derives scheduled, in_progress and completed from the clock and never says verifying. */
export const MAINTENANCE_STATES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

/**
 * An affected monitor's impact, on the incident's scale, as the component
 * status Statuspage shows for it. The same steps Statuspage uses to derive an
 * incident's impact from its components, read the other way.
 */
export const COMPONENT_STATUS_FOR: Record<IncidentImpact, ComponentStatus> = {
	none: 'operational',
	minor: 'degraded_performance',
	major: 'partial_outage',
	critical: 'major_outage'
};

/** The worst of the given impacts ("none" for none), e.g. for an incident's default impact from its monitors. */
export function worstImpact(impacts: IncidentImpact[]): IncidentImpact {
	return impacts.reduce<IncidentImpact>((w, i) => (INCIDENT_IMPACTS.indexOf(i) > INCIDENT_IMPACTS.indexOf(w) ? i : w), 'none');
}

export const isUnresolved = (i: { state: IncidentState }) => i.state !== 'resolved';

// ---- Porthole's objects ----------------------------------------------------

export interface IncidentUpdate {
	id: string;
	/** The incident's state as of this update (the form moves it in the same step). */
	state: IncidentState;
	/** Markdown. */
	body: string;
	createdAt: Date;
	/** Set when the update was edited after posting. */
	updatedAt?: Date | null;
	author: string | null;
}

export interface AffectedMonitor {
	tag: string;
	name: string;
	impact: IncidentImpact;
}

export interface Incident {
	id: string;
	title: string;
	impact: IncidentImpact;
	state: IncidentState;
	startedAt: Date;
	resolvedAt: Date | null;
	monitors: AffectedMonitor[];
	/** In any order; serialisers sort them. */
	updates: IncidentUpdate[];
	/** Markdown, or null. */
	postmortem: string | null;
	/** When it was entered, if not startedAt (an incident can be opened after it began). */
	createdAt?: Date;
}

export interface Maintenance {
	id: string;
	title: string;
	/** Markdown. */
	description: string;
	monitors: { tag: string; name: string }[];
	/** The window, with its cancelled occurrences and manual end. */
	window: MaintenanceWindow;
	createdAt: Date;
	updatedAt: Date;
}

// ---- Statuspage's shapes ---------------------------------------------------

/** The `page` object every endpoint starts with (public/statuspage.ts builds it for summary.json too). */
export interface StatuspagePage {
	id: string;
	name: string;
	url: string;
	time_zone: string;
	updated_at: string;
}

export interface StatuspageUpdate {
	id: string;
	status: StatuspageIncidentStatus | MaintenanceState;
	body: string;
	incident_id: string;
	created_at: string;
	updated_at: string;
	display_at: string;
	affected_components: { code: string; name: string; old_status: ComponentStatus; new_status: ComponentStatus }[] | null;
	deliver_notifications: boolean;
}

/** An affected monitor as the component Statuspage lists in an incident (only what Porthole knows of it). */
export interface StatuspageIncidentComponent {
	id: string;
	name: string;
	status: ComponentStatus;
	page_id: string;
	group: false;
	group_id: null;
}

export interface StatuspageIncident {
	id: string;
	name: string;
	status: StatuspageIncidentStatus | MaintenanceState;
	impact: IncidentImpact | 'maintenance';
	created_at: string;
	updated_at: string;
	started_at: string;
	monitoring_at: string | null;
	resolved_at: string | null;
	shortlink: string;
	page_id: string;
	incident_updates: StatuspageUpdate[];
	components: StatuspageIncidentComponent[];
	postmortem_body: string | null;
}

export interface StatuspageMaintenance extends StatuspageIncident {
	status: MaintenanceState;
	impact: 'maintenance';
	scheduled_for: string;
	scheduled_until: string;
}

/** Statuspage lists "the 50 most recent" in incidents.json and scheduled-maintenances.json. */
export const LIST_LIMIT = 50;

const at = (d: Date) => d.toISOString();
const latest = (dates: (Date | null | undefined)[]) => new Date(Math.max(...dates.filter((d): d is Date => !!d).map((d) => d.getTime())));
const link = (page: StatuspagePage, path: string) => `${page.url.replace(/\/+$/, '')}${path}`;

// ---- incidents -------------------------------------------------------------

export function statuspageIncident(incident: Incident, page: StatuspagePage): StatuspageIncident {
	const updates = [...incident.updates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
	const resolved = incident.state === 'resolved';
	const status = (i: IncidentImpact): ComponentStatus => (resolved ? 'operational' : COMPONENT_STATUS_FOR[i]);
	const monitoring = updates.filter((u) => u.state === 'monitoring').at(-1);
	const oldest = updates.at(-1);
	return {
		id: incident.id,
		name: incident.title,
		status: resolved && incident.postmortem?.trim() ? 'postmortem' : incident.state,
		impact: incident.impact,
		created_at: at(incident.createdAt ?? incident.startedAt),
		updated_at: at(latest([incident.startedAt, incident.resolvedAt, ...updates.flatMap((u) => [u.createdAt, u.updatedAt])])),
		started_at: at(incident.startedAt),
		monitoring_at: monitoring ? at(monitoring.createdAt) : null,
		resolved_at: incident.resolvedAt ? at(incident.resolvedAt) : null,
		shortlink: link(page, `/incidents/${encodeURIComponent(incident.id)}`),
		page_id: page.id,
		incident_updates: updates.map((u) => ({
			id: u.id,
			status: u.state,
			body: u.body,
			incident_id: incident.id,
			created_at: at(u.createdAt),
			updated_at: at(u.updatedAt ?? u.createdAt),
			display_at: at(u.createdAt),
			// The first update marks the monitors; later ones change the state only.
			affected_components:
				u === oldest && incident.monitors.length
					? incident.monitors.map((m) => ({
							code: m.tag,
							name: m.name,
							old_status: 'operational' as const,
							new_status: COMPONENT_STATUS_FOR[m.impact]
						}))
					: null,
			deliver_notifications: false
		})),
		components: incident.monitors.map((m) => ({
			id: m.tag,
			name: m.name,
			status: status(m.impact),
			page_id: page.id,
			group: false,
			group_id: null
		})),
		postmortem_body: incident.postmortem?.trim() ? incident.postmortem : null
	};
}

const newestFirst = (list: Incident[]) => [...list].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());

/** incidents.json: the 50 most recent incidents, unresolved and resolved, newest first. */
export function incidentsJson(page: StatuspagePage, incidents: Incident[]) {
	return {
		page,
		incidents: newestFirst(incidents)
			.slice(0, LIST_LIMIT)
			.map((i) => statuspageIncident(i, page))
	};
}

/** incidents/unresolved.json: every incident investigating, identified or monitoring, newest first. */
export function unresolvedIncidentsJson(page: StatuspagePage, incidents: Incident[]) {
	return { page, incidents: newestFirst(incidents.filter(isUnresolved)).map((i) => statuspageIncident(i, page)) };
}

// ---- maintenance -----------------------------------------------------------

/** Statuspage has no recurring maintenance: each occurrence is its own entry, with an id stable per occurrence. */
function occurrenceId(m: Maintenance, o: Interval): string {
	if (!('rrule' in m.window)) return m.id;
	return `${m.id}-${o.start.toISOString().replace(/[-:]|\.\d+/g, '')}`;
}

function stateAt(o: Interval, now: Date): MaintenanceState {
	if (now < o.start) return 'scheduled';
	return now < o.end ? 'in_progress' : 'completed';
}

// Statuspage's own wording for the automatic maintenance updates.
const AUTO_BODY: Record<'in_progress' | 'completed', string> = {
	in_progress: 'Scheduled maintenance is currently in progress. We will provide updates as necessary.',
	completed: 'The scheduled maintenance has been completed.'
};

/** One occurrence of a maintenance as Statuspage's scheduled maintenance, its state as of `now`. */
export function statuspageMaintenance(m: Maintenance, o: Interval, page: StatuspagePage, now: Date): StatuspageMaintenance {
	const id = occurrenceId(m, o);
	const status = stateAt(o, now);
	const update = (status: MaintenanceState, body: string, time: Date): StatuspageUpdate => ({
		id: `${id}-${status}`,
		status,
		body,
		incident_id: id,
		created_at: at(time),
		updated_at: at(time),
		display_at: at(time),
		affected_components:
			status === 'completed'
				? null
				: m.monitors.map((c) => ({
						code: c.tag,
						name: c.name,
						old_status: 'operational',
						new_status: status === 'scheduled' ? 'operational' : 'under_maintenance'
					})),
		deliver_notifications: false
	});
	// Newest first, as Statuspage lists them: the announcement, then the clock's steps.
	const updates = [update('scheduled', m.description, m.createdAt)];
	if (status !== 'scheduled') updates.unshift(update('in_progress', AUTO_BODY.in_progress, o.start));
	if (status === 'completed') updates.unshift(update('completed', AUTO_BODY.completed, o.end));
	return {
		id,
		name: m.title,
		status,
		impact: 'maintenance',
		created_at: at(m.createdAt),
		updated_at: at(latest([m.updatedAt, ...(status === 'scheduled' ? [] : [o.start]), ...(status === 'completed' ? [o.end] : [])])),
		started_at: at(o.start),
		monitoring_at: null,
		resolved_at: status === 'completed' ? at(o.end) : null,
		shortlink: link(page, `/maintenance/${encodeURIComponent(m.id)}`),
		page_id: page.id,
		incident_updates: updates,
		components: m.monitors.map((c) => ({
			id: c.tag,
			name: c.name,
			status: status === 'in_progress' ? 'under_maintenance' : 'operational',
			page_id: page.id,
			group: false,
			group_id: null
		})),
		postmortem_body: null,
		scheduled_for: at(o.start),
		scheduled_until: at(o.end)
	};
}

/** How many occurrences of one recurring window each list shows: a 5-minute rule must not fill it. */
const PER_WINDOW = 5;
const PAST_DAYS = 30;

function upcomingOf(m: Maintenance, now: Date): Interval[] {
	return nextOccurrences(m.window, now, PER_WINDOW + 1)
		.filter((o) => o.start > now)
		.slice(0, PER_WINDOW);
}

function activeOf(m: Maintenance, now: Date): Interval[] {
	return nextOccurrences(m.window, now, 1).filter((o) => o.start <= now);
}

function pastOf(m: Maintenance, now: Date): Interval[] {
	const from = new Date(now.getTime() - PAST_DAYS * 86_400_000);
	return occurrences(m.window, from, now)
		.filter((o) => o.end <= now)
		.slice(-PER_WINDOW);
}

const bySchedule = (dir: 1 | -1) => (a: StatuspageMaintenance, b: StatuspageMaintenance) =>
	dir * a.scheduled_for.localeCompare(b.scheduled_for) || a.id.localeCompare(b.id);

function collect(page: StatuspagePage, list: Maintenance[], now: Date, pick: (m: Maintenance, now: Date) => Interval[]) {
	return list.flatMap((m) => pick(m, now).map((o) => statuspageMaintenance(m, o, page, now)));
}

/** scheduled-maintenances.json: the 50 most recent occurrences in any state (the last 30 days, on now, and coming), latest first. */
export function scheduledMaintenancesJson(page: StatuspagePage, list: Maintenance[], now: Date) {
	const all = [...collect(page, list, now, pastOf), ...collect(page, list, now, activeOf), ...collect(page, list, now, upcomingOf)];
	return { page, scheduled_maintenances: all.sort(bySchedule(-1)).slice(0, LIST_LIMIT) };
}

/** scheduled-maintenances/upcoming.json: occurrences not started yet (up to 5 per recurring window), soonest first. */
export function upcomingMaintenancesJson(page: StatuspagePage, list: Maintenance[], now: Date) {
	return { page, scheduled_maintenances: collect(page, list, now, upcomingOf).sort(bySchedule(1)) };
}

/** scheduled-maintenances/active.json: occurrences in progress now. */
export function activeMaintenancesJson(page: StatuspagePage, list: Maintenance[], now: Date) {
	return { page, scheduled_maintenances: collect(page, list, now, activeOf).sort(bySchedule(1)) };
}
