import { describe, expect, it } from 'vitest';
import { confirmSettingsOf, INITIAL_STATE, step, type AlertState, type ConfirmSettings, type Emit } from './confirm';
import type { MonitorStatus } from '../types';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

/** Runs statuses one minute apart from T0 and returns every emit with the slot index it came at. */
function run(statuses: MonitorStatus[], settings?: ConfirmSettings, from: AlertState = INITIAL_STATE) {
	let s = from;
	const emits: (Emit & { i: number })[] = [];
	statuses.forEach((status, i) => {
		const r = step(s, status, new Date(T0 + i * MIN), settings);
		s = r.next;
		if (r.emit) emits.push({ ...r.emit, i });
	});
	return { state: s, emits };
}

describe('alert confirmation', () => {
	it('one lost check alerts nobody', () => {
		const { emits, state } = run(['UP', 'DOWN', 'UP', 'UP', 'UP']);
		expect(emits).toEqual([]);
		expect(state.state).toBe('up');
	});

	it('alerts once after N consecutive failures, and once on recovery after M UP, with the outage duration', () => {
		const { emits, state } = run(['UP', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'UP', 'UP', 'UP']);
		expect(emits.map((e) => [e.kind, e.i])).toEqual([
			['down', 2],
			['recovered', 6]
		]);
		expect(emits[0]).toMatchObject({ status: 'DOWN', since: new Date(T0 + MIN) });
		// Down from slot 1 to the first UP at slot 5: four minutes.
		expect(emits[1]).toMatchObject({ status: 'UP', since: new Date(T0 + 5 * MIN), durationSeconds: 240 });
		expect(state.state).toBe('up');
	});

	it('honours other thresholds', () => {
		const { emits } = run(['DOWN', 'DOWN', 'DOWN', 'UP', 'UP', 'UP'], { down: 3, up: 3, degradedIsDown: false });
		expect(emits.map((e) => [e.kind, e.i])).toEqual([
			['down', 2],
			['recovered', 5]
		]);
	});

	it('flapping alerts nobody while up, and does not recover while down', () => {
		expect(run(['DOWN', 'UP', 'DOWN', 'UP', 'DOWN', 'UP', 'DOWN']).emits).toEqual([]);
		const { emits } = run(['DOWN', 'DOWN', 'UP', 'DOWN', 'UP', 'DOWN', 'UP']);
		expect(emits.map((e) => e.kind)).toEqual(['down']);
	});

	it('maintenance in the middle neither counts nor resets', () => {
		// DOWN, maintenance, DOWN: two consecutive failures around it confirm.
		const a = run(['UP', 'DOWN', 'MAINTENANCE', 'MAINTENANCE', 'DOWN']);
		expect(a.emits.map((e) => [e.kind, e.i])).toEqual([['down', 4]]);
		// Maintenance alone never alerts, however long.
		expect(run(['UP', 'MAINTENANCE', 'MAINTENANCE', 'MAINTENANCE', 'UP']).emits).toEqual([]);
		// While down, UP, maintenance, UP recovers.
		const b = run(['DOWN', 'DOWN', 'UP', 'MAINTENANCE', 'UP']);
		expect(b.emits.map((e) => [e.kind, e.i])).toEqual([
			['down', 1],
			['recovered', 4]
		]);
	});

	it('counts DEGRADED as UP by default and as not UP when the setting says so', () => {
		expect(run(['DEGRADED', 'DEGRADED', 'DEGRADED']).emits).toEqual([]);
		const { emits } = run(['DEGRADED', 'DEGRADED', 'UP', 'UP'], { down: 2, up: 2, degradedIsDown: true });
		expect(emits.map((e) => [e.kind, e.status])).toEqual([
			['down', 'DEGRADED'],
			['recovered', 'UP']
		]);
	});

	it('ignores a check not newer than the last one counted (a late write)', () => {
		const first = run(['DOWN']).state;
		const late = step(first, 'DOWN', new Date(T0 - MIN));
		expect(late).toEqual({ next: first, emit: null });
		expect(step(first, 'DOWN', new Date(T0)).emit).toBeNull();
	});

	it("takes a monitor's stored settings: down/up thresholds and DEGRADED", () => {
		const settings = confirmSettingsOf({ down: 3, up: 1, degraded: true, remindMinutes: null });
		expect(settings).toEqual({ down: 3, up: 1, degradedIsDown: true, remindMinutes: null });
		const { emits } = run(['DOWN', 'DEGRADED', 'UP', 'DOWN', 'DEGRADED', 'DOWN', 'UP'], settings);
		// Two not-UP then UP: no alert; three not-UP (DEGRADED counts): down; one UP recovers.
		expect(emits.map((e) => [e.kind, e.i])).toEqual([
			['down', 5],
			['recovered', 6]
		]);
	});

	it('reminds every remindMinutes while down, numbered, counted from the last message; none after recovery', () => {
		const settings: ConfirmSettings = { down: 2, up: 2, degradedIsDown: false, remindMinutes: 3 };
		// Down confirmed at slot 1 (since slot 0); reminders at 4, 7, 10; UP at 11-12 recovers; down again at 14-15.
		const statuses: MonitorStatus[] = ['DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN'];
		const { emits, state } = run([...statuses, 'UP', 'UP', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN'], settings);
		expect(emits.map((e) => [e.kind, e.i, e.kind === 'reminder' ? e.reminder : null])).toEqual([
			['down', 1, null],
			['reminder', 4, 1],
			['reminder', 7, 2],
			['reminder', 10, 3],
			['recovered', 12, null],
			['down', 14, null],
			// The second outage counts reminders from 1 again, three minutes after its own down.
			['reminder', 17, 1]
		]);
		expect(emits[1]).toMatchObject({ status: 'DOWN', since: new Date(T0), at: new Date(T0 + 4 * MIN) });
		// The recovery's duration is the whole outage: slot 0 to the first UP at slot 11.
		expect(emits[4]).toMatchObject({ kind: 'recovered', durationSeconds: 11 * 60 });
		expect(state).toMatchObject({ state: 'down', reminders: 1, lastNotifiedAt: new Date(T0 + 17 * MIN) });
	});

	it('sends no reminder on UP checks of a recovery under way, in maintenance, or without remindMinutes', () => {
		const settings: ConfirmSettings = { down: 1, up: 5, degradedIsDown: false, remindMinutes: 1 };
		const { emits } = run(['DOWN', 'UP', 'UP', 'MAINTENANCE', 'UP', 'DOWN'], settings);
		// Down at 0; slots 1-4 are UP or maintenance (no reminder); the DOWN at 5 reminds (5 min after the down).
		expect(emits.map((e) => [e.kind, e.i])).toEqual([
			['down', 0],
			['reminder', 5]
		]);
		expect(run(['DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN']).emits.map((e) => e.kind)).toEqual(['down']);
	});

	it('resets reminders on recovery and keeps the first outage slot as `since` across a flap', () => {
		const settings: ConfirmSettings = { down: 2, up: 2, degradedIsDown: false, remindMinutes: 2 };
		const { emits, state } = run(['DOWN', 'DOWN', 'UP', 'DOWN', 'UP', 'UP'], settings);
		expect(emits.map((e) => [e.kind, e.i])).toEqual([
			['down', 1],
			['reminder', 3],
			['recovered', 5]
		]);
		expect(emits[1]).toMatchObject({ since: new Date(T0), reminder: 1 });
		// Outage from slot 0 to the first UP of the streak that ended it (slot 4).
		expect(emits[2]).toMatchObject({ durationSeconds: 4 * 60 });
		expect(state).toMatchObject({ state: 'up', reminders: 0, lastNotifiedAt: null });
	});
});
