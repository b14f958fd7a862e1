// The admin's incident pages: loads and form actions, each calling one
// function of notices/service.ts with the running app. Refused input comes
// back as fail(400, {action, values, errors}) with a message per form field
// (admin/notice-form.ts) and everything typed kept.
import { error, fail, redirect } from '@sveltejs/kit';
import type { App } from '../app';
import { monitorsByTag } from '../db/queries/incidents';
import {
	createIncident,
	deleteIncident,
	deleteUpdate,
	editIncident,
	editUpdate,
	getIncident,
	listIncidents,
	postUpdate,
	resolveIncident,
	type WriteResult
} from '../notices/service';
import { incidentInput, readIncidentForm, readUpdateForm, text, toFormErrors } from './notice-form';
import { readForm } from './request';

type Admin = { email: string } | null;

/** Every monitor an incident or window may name, hidden and paused ones too (admins see all), by tag. */
export async function monitorChoices(app: App) {
	const byTag = await monitorsByTag(app.database.db);
	return [...byTag].map(([tag, m]) => ({ tag, name: m.name, isPublic: m.isPublic })).sort((a, b) => a.tag.localeCompare(b.tag));
}

/** A refused write: 404 is the page's (the incident is gone), the rest are the form's. */
function refused<V>(r: Exclude<WriteResult, { ok: true }>, action: string, values: V, tags: string[] = []) {
	if (r.status === 404 && r.errors.some((e) => e.path === 'id')) error(404, 'No such incident');
	return fail(r.status, { action, values, errors: toFormErrors(r.errors, tags) });
}

export async function loadIncidentList(app: App) {
	const list = await listIncidents(app.database.db, { limit: 200, publicOnly: false });
	return {
		siteZone: app.config.siteTimezone,
		incidents: list.map((i) => {
			const latest = [...i.updates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
			return {
				id: i.id,
				title: i.title,
				impact: i.impact,
				state: i.state,
				startedAt: i.startedAt,
				resolvedAt: i.resolvedAt,
				monitors: i.monitors.map((m) => m.name),
				updatedAt: latest?.createdAt ?? i.startedAt
			};
		})
	};
}

export async function loadNewIncident(app: App) {
	return { monitors: await monitorChoices(app) };
}

export async function loadIncident(app: App, rawId: string) {
	const incident = await getIncident(app.database.db, rawId, false);
	if (!incident) error(404, 'No such incident');
	incident.updates.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || Number(b.id) - Number(a.id));
	return { incident, monitors: await monitorChoices(app), siteZone: app.config.siteTimezone };
}

export async function createIncidentFromForm(app: App, request: Request, admin: Admin) {
	const values = readIncidentForm(await readForm(request));
	const r = await createIncident(app, incidentInput(values), admin?.email ?? null);
	if (!r.ok)
		return refused(
			r,
			'create',
			values,
			values.monitors.map((m) => m.tag)
		);
	redirect(303, `/admin/incidents/${r.id}?created=1`);
}

export async function editIncidentFromForm(app: App, rawId: string, request: Request) {
	const values = readIncidentForm(await readForm(request));
	const r = await editIncident(app, rawId, incidentInput(values, true));
	if (!r.ok)
		return refused(
			r,
			'edit',
			values,
			values.monitors.map((m) => m.tag)
		);
	return { action: 'edit', message: 'Incident saved' };
}

export async function postUpdateFromForm(app: App, rawId: string, request: Request, admin: Admin) {
	const values = readUpdateForm(await readForm(request));
	const r = await postUpdate(app, rawId, values, admin?.email ?? null);
	if (!r.ok) return refused(r, 'update', values);
	return { action: 'update', message: values.state === 'resolved' ? 'Update posted: resolved' : 'Update posted' };
}

/** Resolve: a "resolved" update with Statuspage's wording unless something was typed. */
export async function resolveFromForm(app: App, rawId: string, request: Request, admin: Admin) {
	const body = text(await readForm(request), 'body');
	const r = await resolveIncident(app, rawId, body, admin?.email ?? null);
	if (!r.ok) return refused(r, 'resolve', { body });
	return { action: 'resolve', message: 'Resolved' };
}

export async function editUpdateFromForm(app: App, rawId: string, request: Request) {
	const fd = await readForm(request);
	const updateId = text(fd, 'updateId');
	const values = { ...readUpdateForm(fd), updateId };
	const r = await editUpdate(app, rawId, updateId, values);
	if (!r.ok) return refused(r, 'editUpdate', values);
	return { action: 'editUpdate', message: 'Update saved' };
}

export async function deleteUpdateFromForm(app: App, rawId: string, request: Request) {
	const updateId = text(await readForm(request), 'updateId');
	const r = await deleteUpdate(app, rawId, updateId);
	if (!r.ok) return refused(r, 'deleteUpdate', { updateId });
	return { action: 'deleteUpdate', message: 'Update deleted' };
}

export async function deleteIncidentFromForm(app: App, rawId: string) {
	if (!(await deleteIncident(app, rawId))) error(404, 'No such incident');
	redirect(303, '/admin/incidents?deleted=1');
}
