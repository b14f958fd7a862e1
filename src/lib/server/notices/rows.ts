// Database rows (db/queries/incidents.ts, maintenance.ts) to the model of
// incidents/model.ts. `publicOnly` leaves out monitors a visitor may not see
// (hidden or switched off, as the status pages do): an incident on a hidden
// monitor is still shown, without naming it.
import type { IncidentRow } from '../db/queries/incidents';
import type { MaintenanceRow } from '../db/queries/maintenance';
import type { Incident, IncidentImpact, IncidentState, Maintenance } from '../incidents/model';
import { windowFromJson } from '../maintenance/stored';

export function toIncident(r: IncidentRow, publicOnly: boolean): Incident {
	return {
		id: String(r.id),
		title: r.title,
		impact: r.impact as IncidentImpact,
		state: r.state as IncidentState,
		startedAt: r.startedAt,
		resolvedAt: r.resolvedAt,
		createdAt: r.createdAt,
		postmortem: r.postmortem,
		monitors: r.monitors
			.filter((m) => !publicOnly || (m.isPublic && m.active))
			.map((m) => ({ tag: m.tag, name: m.name, impact: m.impact as IncidentImpact })),
		updates: r.updates.map((u) => ({
			id: String(u.id),
			state: u.state as IncidentState,
			body: u.body,
			createdAt: u.createdAt,
			updatedAt: u.updatedAt,
			author: u.author
		}))
	};
}

/** null for a row whose window does not read back (only a hand-edited database has one); callers skip it. */
export function toMaintenance(r: MaintenanceRow, publicOnly: boolean): Maintenance | null {
	const window = windowFromJson(r.window, r.cancelled, r.endedAt, r.cuts);
	if (!window) return null;
	return {
		id: String(r.id),
		title: r.title,
		description: r.description,
		monitors: r.monitors.filter((m) => !publicOnly || (m.isPublic && m.active)).map((m) => ({ tag: m.tag, name: m.name })),
		window,
		createdAt: r.createdAt,
		updatedAt: r.updatedAt
	};
}
