import { describe, expect, it } from 'vitest';
import { INITIAL_STATE, step, type AlertState, type ConfirmSettings, type Emit } from './confirm';
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
});
