// The admin's maintenance pages: loads, form actions and the "next five
// occurrences" preview, each calling notices/service.ts (or, for the preview,
// the window validator) with the running app. Refused input comes back as
// fail(400, {values, errors}) with a message per form field and all typed
// values kept; times are read and shown in the site's zone.
import { error, fail, redirect } from '@sveltejs/kit';
import type { App } from '../app';
import type { Maintenance } from '../incidents/model';
import { isRecurring, nextOccurrences, windowState, type Interval } from '../maintenance/recurrence';
import { validateWindow } from '../maintenance/validate-window';
import {
	cancelMaintenanceOccurrence,
	createMaintenance,
	deleteMaintenance,
	editMaintenance,
	endMaintenanceNow,
	getMaintenance,
	listMaintenances
} from '../notices/service';
import { monitorChoices } from './incidents';
import {
	blankMaintenanceForm,
	maintenanceInput,
	readMaintenanceForm,
	text,
	toFormErrors,
	windowInput,
	windowToForm,
	type FieldSource,
	type FormErrors,
	type MaintenanceFormValues
} from './notice-form';
import { readForm } from './request';

/** Occurrences listed on a window's page, each with "cancel this one". */
const LISTED = 10;

const iso = (o: Interval) => ({ start: o.start.toISOString(), end: o.end.toISOString() });

function summary(m: Maintenance, now: Date) {
	const w = m.window;
	const [next] = nextOccurrences(w, now, 1);
	return {
		id: m.id,
		title: m.title,
		monitors: m.monitors.map((x) => x.name),
		state: windowState(w, now),
		recurring: isRecurring(w),
		rrule: isRecurring(w) ? w.rrule : null,
		next: next ? iso(next) : null,
		// A one-off's own span, shown once it is over.
		span: isRecurring(w) ? null : { start: w.start.toISOString(), end: (w.endedAt && w.endedAt < w.end ? w.endedAt : w.end).toISOString() },
		endedAt: w.endedAt?.toISOString() ?? null
	};
}

export async function loadMaintenanceList(app: App, now = new Date()) {
	const list = (await listMaintenances(app.database.db, { limit: 200, publicOnly: false })).map((m) => summary(m, now));
	return {
		siteZone: app.config.siteTimezone,
		inProgress: list.filter((m) => m.state === 'in_progress'),
		// Soonest first.
		upcoming: list.filter((m) => m.state === 'scheduled').sort((a, b) => (a.next!.start < b.next!.start ? -1 : 1)),
		past: list.filter((m) => m.state === 'completed')
	};
}

export async function loadNewMaintenance(app: App, now = new Date()) {
	const siteZone = app.config.siteTimezone;
	return { siteZone, monitors: await monitorChoices(app), form: blankMaintenanceForm(siteZone, now) };
}

export async function loadMaintenance(app: App, rawId: string, now = new Date()) {
	const m = await getMaintenance(app.database.db, rawId, false);
	if (!m) error(404, 'No such maintenance');
	const siteZone = app.config.siteTimezone;
	const form: MaintenanceFormValues = {
		title: m.title,
		description: m.description,
		monitors: m.monitors.map((x) => x.tag),
		...windowToForm(m.window, siteZone)
	};
	return {
		siteZone,
		monitors: await monitorChoices(app),
		form,
		maintenance: { ...summary(m, now), cancelled: (m.window.cancelled ?? []).map((d) => d.toISOString()) },
		occurrences: nextOccurrences(m.window, now, LISTED).map(iso)
	};
}

/** Save (create when id is null): back to the list, or the form with its messages. */
export async function saveMaintenanceFromForm(app: App, request: Request, rawId: string | null) {
	const siteZone = app.config.siteTimezone;
	const values = readMaintenanceForm(await readForm(request), siteZone);
	const { input, errors: own } = maintenanceInput(values, siteZone);
	const r = rawId === null ? await createMaintenance(app, input) : await editMaintenance(app, rawId, input);
	if (!r.ok) {
		if (r.status === 404) error(404, 'No such maintenance');
		return fail(r.status, { action: 'save', values, errors: { ...toFormErrors(r.errors, values.monitors), ...own } });
	}
	redirect(303, `/admin/maintenance/${r.id}?saved=1`);
}

export async function endMaintenanceFromForm(app: App, rawId: string) {
	const r = await endMaintenanceNow(app, rawId);
	if (!r.ok && r.status === 404) error(404, 'No such maintenance');
	if (!r.ok) return fail(r.status, { action: 'end', message: `Not ended: ${r.errors[0].message}` });
	// A recurring window's later occurrences still happen: only the one in progress ends.
	return { action: 'end', message: 'Ended now' };
}

export async function deleteMaintenanceFromForm(app: App, rawId: string, back: string) {
	if (!(await deleteMaintenance(app, rawId))) error(404, 'No such maintenance');
	redirect(303, back);
}

/** Actions on a row of the list: the window's id comes in the form. */
export async function listActionFromForm(app: App, request: Request, act: 'end' | 'delete') {
	const id = text(await readForm(request), 'id');
	if (act === 'end') return endMaintenanceFromForm(app, id);
	return deleteMaintenanceFromForm(app, id, '/admin/maintenance?deleted=1');
}

export async function cancelOccurrenceFromForm(app: App, rawId: string, request: Request) {
	const start = text(await readForm(request), 'start');
	const r = await cancelMaintenanceOccurrence(app, rawId, start);
	if (!r.ok) {
		if (r.status === 404) error(404, 'No such maintenance');
		return fail(r.status, { action: 'cancel', errors: toFormErrors(r.errors) });
	}
	return { action: 'cancel', message: 'Occurrence cancelled' };
}

export type Preview = { ok: true; occurrences: { start: string; end: string }[] } | { ok: false; errors: FormErrors };

/**
 * The next five occurrences of the window as the form stands, before it is
 * saved: the form's window fields (from the query) checked by the same
 * validator a save runs, errors named by form field ("window.rrule").
 */
export function previewWindow(src: FieldSource, siteZone: string, now = new Date()): Preview {
	const values = readMaintenanceForm(src, siteZone);
	const { window, errors: own } = windowInput(values, siteZone);
	const v = validateWindow(window);
	if (!v.ok || Object.keys(own).length) {
		const errors = v.ok ? [] : v.errors.map((e) => ({ path: e.path ? `window.${e.path}` : 'window', message: e.message }));
		return { ok: false, errors: { ...toFormErrors(errors), ...own } };
	}
	return { ok: true, occurrences: nextOccurrences(v.value, now, 5).map(iso) };
}
