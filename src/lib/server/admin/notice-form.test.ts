import { describe, expect, it } from 'vitest';
import {
	blankMaintenanceForm,
	incidentInput,
	maintenanceInput,
	readIncidentForm,
	readMaintenanceForm,
	toFormErrors,
	windowInput,
	windowToForm
} from './notice-form';
import { validateWindow } from '../maintenance/validate-window';

const form = (pairs: [string, string][]) => {
	const fd = new FormData();
	for (const [k, v] of pairs) fd.append(k, v);
	return fd;
};

describe('incident form', () => {
	it('reads checked monitors with the impact beside each, once each, in the order sent', () => {
		const v = readIncidentForm(
			form([
				['title', ' Slow '],
				['monitor', 'db'],
				['monitor', 'web'],
				['monitor', 'db'],
				['impact.db', 'critical'],
				['impact.api', 'minor'],
				['body', 'x']
			])
		);
		expect(v.title).toBe(' Slow ');
		// An unchecked monitor's impact (api) is ignored; a checked one without a select gets the service's default.
		expect(v.monitors).toEqual([
			{ tag: 'db', impact: 'critical' },
			{ tag: 'web', impact: 'major' }
		]);
	});

	it('an empty impact is left to the service; edit sends no state or body', () => {
		const v = readIncidentForm(
			form([
				['title', 't'],
				['impact', ''],
				['state', 'identified'],
				['body', 'b']
			])
		);
		expect(incidentInput(v)).toEqual({ title: 't', impact: undefined, monitors: [], postmortem: '', state: 'identified', body: 'b' });
		expect(incidentInput(v, true)).toEqual({ title: 't', impact: undefined, monitors: [], postmortem: '' });
	});

	it('a file where text belongs reads as empty', () => {
		const fd = new FormData();
		fd.append('title', new File(['x'], 'x.txt'));
		expect(readIncidentForm(fd).title).toBe('');
	});
});

describe('toFormErrors', () => {
	it('one message per field, monitors[i] named by the tag sent in that place', () => {
		expect(
			toFormErrors(
				[
					{ path: 'title', message: 'must not be empty' },
					{ path: 'monitors[1].impact', message: 'must be one of none, minor' },
					{ path: 'monitors[0]', message: 'no monitor with tag "gone"' },
					{ path: 'window.rrule', message: 'needs FREQ' },
					{ path: '', message: 'must be an object' }
				],
				['gone', 'web']
			)
		).toEqual({
			title: 'must not be empty',
			monitors: 'web: must be one of none, minor; gone: no monitor with tag "gone"',
			'window.rrule': 'needs FREQ',
			form: 'must be an object'
		});
	});
});

describe('maintenance form', () => {
	const base: [string, string][] = [
		['title', 'Upgrade'],
		['monitor', 'db']
	];

	it('reads a one-off start and end in the site zone, never the server zone', () => {
		const v = readMaintenanceForm(
			form([...base, ['kind', 'once'], ['start', '2026-03-29T01:30'], ['end', '2026-03-29T03:30']]),
			'Europe/Berlin'
		);
		const { input, errors } = maintenanceInput(v, 'Europe/Berlin');
		expect(errors).toEqual({});
		// 01:30 is still CET (+01:00); 03:30 is after the spring-forward jump (CEST, +02:00).
		expect(input.window).toEqual({ start: '2026-03-29T00:30:00.000Z', end: '2026-03-29T01:30:00.000Z' });
		expect(input).toMatchObject({ title: 'Upgrade', description: '', monitors: ['db'] });
		expect(validateWindow(input.window).ok).toBe(true);
	});

	it("a missing or impossible date is the form field's own message, and still goes to the validator as typed", () => {
		const v = readMaintenanceForm(
			form([
				['start', ''],
				['end', '2026-02-30T10:00']
			]),
			'UTC'
		);
		const { window, errors } = windowInput(v, 'UTC');
		expect(errors).toEqual({ 'window.start': 'must be set', 'window.end': 'must be a date and time' });
		expect(window).toEqual({ start: '', end: '2026-02-30T10:00' });
		const r = validateWindow(window);
		expect(r.ok).toBe(false);
	});

	it('reads a recurring window: minutes as a number when they are one, the zone defaulting to the site zone', () => {
		const v = readMaintenanceForm(
			form([
				['kind', 'recurring'],
				['rrule', 'FREQ=WEEKLY;BYDAY=SU'],
				['dtstart', '2026-01-04T02:00'],
				['durationMinutes', ' 45 ']
			]),
			'Europe/Berlin'
		);
		expect(windowInput(v, 'Europe/Berlin').window).toEqual({
			rrule: 'FREQ=WEEKLY;BYDAY=SU',
			dtstart: '2026-01-04T02:00',
			durationMinutes: 45,
			timeZone: 'Europe/Berlin'
		});
		const bad = readMaintenanceForm(
			form([
				['kind', 'recurring'],
				['durationMinutes', '1.5'],
				['timeZone', 'Mars/Base']
			]),
			'UTC'
		);
		expect(windowInput(bad, 'UTC').window).toMatchObject({ durationMinutes: '1.5', timeZone: 'Mars/Base' });
		const r = validateWindow(windowInput(bad, 'UTC').window);
		expect(r.ok ? [] : r.errors.map((e) => e.path).sort()).toEqual(['dtstart', 'durationMinutes', 'rrule', 'timeZone']);
	});

	it('a stored window comes back into the same fields (one-off in the site zone)', () => {
		const once = windowToForm({ start: new Date('2026-07-01T22:00:00Z'), end: new Date('2026-07-02T00:15:00Z') }, 'Europe/Berlin');
		expect(once).toMatchObject({ kind: 'once', start: '2026-07-02T00:00', end: '2026-07-02T02:15' });
		const back = windowInput({ ...blankMaintenanceForm('Europe/Berlin', new Date()), ...once }, 'Europe/Berlin').window;
		expect(back).toEqual({ start: '2026-07-01T22:00:00.000Z', end: '2026-07-02T00:15:00.000Z' });
		const rec = windowToForm({ rrule: 'FREQ=DAILY', dtstart: '2026-01-01T02:00', durationMinutes: 30, timeZone: 'Asia/Tokyo' }, 'UTC');
		expect(rec).toMatchObject({
			kind: 'recurring',
			rrule: 'FREQ=DAILY',
			dtstart: '2026-01-01T02:00',
			durationMinutes: '30',
			timeZone: 'Asia/Tokyo'
		});
	});

	it('a blank form starts at the next full hour in the site zone, for an hour', () => {
		const f = blankMaintenanceForm('Asia/Kolkata', new Date('2026-05-01T10:10:00Z')); // 15:40 in Kolkata (+05:30)
		expect(f).toMatchObject({ kind: 'once', start: '2026-05-01T16:00', end: '2026-05-01T17:00', timeZone: 'Asia/Kolkata' });
	});
});
