import { describe, expect, it } from 'vitest';
import { previewWindow } from './maintenance';

const q = (o: Record<string, string>) => new URLSearchParams(o);

describe("previewWindow (the form's next five occurrences)", () => {
	const now = new Date('2026-03-20T12:00:00Z');

	it("lists the next five of a recurring rule as instants, in the rule's zone across a DST change", () => {
		const r = previewWindow(
			q({
				kind: 'recurring',
				rrule: 'FREQ=WEEKLY;BYDAY=SU',
				dtstart: '2026-01-04T02:00',
				durationMinutes: '60',
				timeZone: 'Europe/Berlin'
			}),
			'UTC',
			now
		);
		expect(r).toEqual({
			ok: true,
			occurrences: [
				{ start: '2026-03-22T01:00:00.000Z', end: '2026-03-22T02:00:00.000Z' },
				// 02:00 does not exist on 29 March in Berlin: 03:00 CEST, as validate-window's rules say.
				{ start: '2026-03-29T01:00:00.000Z', end: '2026-03-29T02:00:00.000Z' },
				{ start: '2026-04-05T00:00:00.000Z', end: '2026-04-05T01:00:00.000Z' },
				{ start: '2026-04-12T00:00:00.000Z', end: '2026-04-12T01:00:00.000Z' },
				{ start: '2026-04-19T00:00:00.000Z', end: '2026-04-19T01:00:00.000Z' }
			]
		});
	});

	it('names the fields at fault as the form does (window.rrule beside the RRULE field)', () => {
		const r = previewWindow(
			q({ kind: 'recurring', rrule: 'FREQ=SOMETIMES', dtstart: '2026-01-04T02:00', durationMinutes: '0' }),
			'UTC',
			now
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(Object.keys(r.errors).sort()).toEqual(['window.durationMinutes', 'window.rrule']);
	});

	it('a one-off is read in the site zone; one already over has no occurrence left', () => {
		expect(previewWindow(q({ start: '2026-03-20T14:00', end: '2026-03-20T15:00' }), 'Europe/Berlin', now)).toEqual({
			ok: true,
			occurrences: [{ start: '2026-03-20T13:00:00.000Z', end: '2026-03-20T14:00:00.000Z' }]
		});
		expect(previewWindow(q({ start: '2026-03-01T14:00', end: '2026-03-01T15:00' }), 'UTC', now)).toEqual({ ok: true, occurrences: [] });
		const r = previewWindow(q({ start: '', end: '2026-03-01T15:00' }), 'UTC', now);
		expect(r).toEqual({ ok: false, errors: { 'window.start': 'must be set' } });
	});
});
