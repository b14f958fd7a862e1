// The incident and maintenance forms of the admin pages, as the browser posts
// them, turned into the input notices/service.ts validates, and its errors
// turned back into one message per form field. Values are kept as typed so a
// refused form comes back as it was. Times: a one-off window's start and end
// are datetime-local values read in the site's zone here (with $lib/time, so
// the server's own zone never counts); a recurring window keeps its local
// dtstart and names its zone itself.
import type { FieldError } from '../monitors/validate';
import { formatLocal, fromWall, parseLocal, toWall } from '$lib/time';
import type { MaintenanceFormValues } from '$lib/types';

/** FormData and URLSearchParams both read like this (the preview endpoint reads the form's fields from its query). */
export interface FieldSource {
	get(name: string): FormDataEntryValue | string | null;
	getAll(name: string): (FormDataEntryValue | string)[];
}

/** A field as typed; missing, or a file where text belongs, reads as empty. */
export const text = (src: FieldSource, name: string): string => {
	const v = src.get(name);
	return typeof v === 'string' ? v : '';
};

const texts = (src: FieldSource, name: string): string[] => src.getAll(name).filter((v): v is string => typeof v === 'string');

/** Form field name → message. */
export type FormErrors = Record<string, string>;

/**
 * The service's errors by form field: one message per field (several joined),
 * and `monitors[2].impact` on the "monitors" field, naming the monitor by the
 * tag the form sent in that place.
 */
export function toFormErrors(errors: FieldError[], tags: string[] = []): FormErrors {
	const out: FormErrors = {};
	for (const { path, message } of errors) {
		const m = /^monitors\[(\d+)\]/.exec(path);
		const key = m ? 'monitors' : path || 'form';
		const said = m && tags[Number(m[1])] !== undefined ? `${tags[Number(m[1])]}: ${message}` : message;
		out[key] = out[key] ? `${out[key]}; ${said}` : said;
	}
	return out;
}

// ---- incidents -------------------------------------------------------------

export interface IncidentFormValues {
	title: string;
	/** '' = worst of the affected monitors' impacts (the service decides). */
	impact: string;
	/** The first update's (new incident only). */
	state: string;
	body: string;
	postmortem: string;
	/** Checked monitors, each with the impact picked beside it. */
	monitors: { tag: string; impact: string }[];
}

/** Monitors are checkboxes named "monitor" (value: the tag) with a select "impact.<tag>" beside each. */
export function readIncidentForm(src: FieldSource): IncidentFormValues {
	const tags = [...new Set(texts(src, 'monitor'))];
	return {
		title: text(src, 'title'),
		impact: text(src, 'impact'),
		state: text(src, 'state'),
		body: text(src, 'body'),
		postmortem: text(src, 'postmortem'),
		monitors: tags.map((tag) => ({ tag, impact: text(src, `impact.${tag}`) || 'major' }))
	};
}

/** The service's input for createIncident (every field) or editIncident (no state or body). */
export function incidentInput(v: IncidentFormValues, edit = false): Record<string, unknown> {
	const fields = { title: v.title, impact: v.impact || undefined, monitors: v.monitors, postmortem: v.postmortem };
	return edit ? fields : { ...fields, state: v.state || undefined, body: v.body };
}

export interface UpdateFormValues {
	state: string;
	body: string;
}

export const readUpdateForm = (src: FieldSource): UpdateFormValues => ({ state: text(src, 'state'), body: text(src, 'body') });

// ---- maintenance -----------------------------------------------------------

export type { MaintenanceFormValues } from '$lib/types';

export function readMaintenanceForm(src: FieldSource, siteZone: string): MaintenanceFormValues {
	return {
		title: text(src, 'title'),
		description: text(src, 'description'),
		monitors: [...new Set(texts(src, 'monitor'))],
		kind: text(src, 'kind') === 'recurring' ? 'recurring' : 'once',
		start: text(src, 'start'),
		end: text(src, 'end'),
		rrule: text(src, 'rrule'),
		dtstart: text(src, 'dtstart'),
		durationMinutes: text(src, 'durationMinutes'),
		timeZone: text(src, 'timeZone') || siteZone
	};
}

/**
 * The window as validateWindow takes it, and the messages only the form can
 * give (a datetime-local that is empty or not a date; the validator would ask
 * for a zone offset, which the form never shows). A value that does not read
 * goes to the validator as typed, so it still fails there and the other
 * fields are still checked.
 */
export function windowInput(v: MaintenanceFormValues, siteZone: string): { window: Record<string, unknown>; errors: FormErrors } {
	const errors: FormErrors = {};
	if (v.kind === 'recurring') {
		const d = v.durationMinutes.trim();
		return {
			window: {
				rrule: v.rrule,
				dtstart: v.dtstart,
				durationMinutes: /^\d{1,9}$/.test(d) ? Number(d) : d || undefined,
				timeZone: v.timeZone
			},
			errors
		};
	}
	const instant = (name: 'start' | 'end'): string => {
		const wall = parseLocal(v[name]);
		if (wall === null) {
			errors[`window.${name}`] = v[name] ? 'must be a date and time' : 'must be set';
			return v[name];
		}
		return new Date(fromWall(wall, siteZone)).toISOString();
	};
	return { window: { start: instant('start'), end: instant('end') }, errors };
}

/** The service's input for createMaintenance and editMaintenance, and the form's own messages. */
export function maintenanceInput(v: MaintenanceFormValues, siteZone: string): { input: Record<string, unknown>; errors: FormErrors } {
	const { window, errors } = windowInput(v, siteZone);
	return { input: { title: v.title, description: v.description, monitors: v.monitors, window }, errors };
}

/** A stored window back in the form's fields (one-off times as datetime-local in the site's zone). */
export function windowToForm(
	w: { start: Date; end: Date } | { rrule: string; dtstart: string; durationMinutes: number; timeZone: string },
	siteZone: string
): Pick<MaintenanceFormValues, 'kind' | 'start' | 'end' | 'rrule' | 'dtstart' | 'durationMinutes' | 'timeZone'> {
	if ('rrule' in w)
		return {
			kind: 'recurring',
			start: '',
			end: '',
			rrule: w.rrule,
			dtstart: w.dtstart,
			durationMinutes: String(w.durationMinutes),
			timeZone: w.timeZone
		};
	const local = (d: Date) => formatLocal(toWall(d.getTime(), siteZone)).slice(0, 16);
	return { kind: 'once', start: local(w.start), end: local(w.end), rrule: '', dtstart: '', durationMinutes: '', timeZone: siteZone };
}

/** An empty maintenance form: a one-off starting at the next full hour for an hour, and a daily rule ready if switched. */
export function blankMaintenanceForm(siteZone: string, now: Date): MaintenanceFormValues {
	const wall = toWall(now.getTime(), siteZone);
	const hour = wall - (wall % 3_600_000) + 3_600_000;
	const local = (w: number) => formatLocal(w).slice(0, 16);
	return {
		title: '',
		description: '',
		monitors: [],
		kind: 'once',
		start: local(hour),
		end: local(hour + 3_600_000),
		rrule: 'FREQ=WEEKLY;BYDAY=SU',
		dtstart: local(hour),
		durationMinutes: '60',
		timeZone: siteZone
	};
}
