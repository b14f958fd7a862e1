import { describe, expect, it } from 'vitest';
import { parseOlder } from './monitor';
import { banner } from './banner';

describe('banner', () => {
	const now = new Date('2026-07-10T10:00:00Z');
	const m = (name: string, status: 'UP' | 'DOWN' | 'DEGRADED' | 'MAINTENANCE' | 'NODATA') => ({ name, status, lastCheck: now });
	it('follows DOWN > DEGRADED > MAINTENANCE > UP and names the monitors', () => {
		expect(banner([], now, 'UTC').headline).toBe('No monitors to show yet');
		expect(banner([m('A', 'UP')], now, 'UTC')).toMatchObject({
			state: 'UP',
			headline: 'All systems operational',
			subline: 'Updated 10:00:00 UTC · refreshes every 60 s'
		});
		expect(banner([m('A', 'UP'), m('B', 'MAINTENANCE')], now, 'UTC')).toMatchObject({
			headline: 'Maintenance in progress',
			subline: 'Under maintenance: B'
		});
		expect(banner([m('A', 'DEGRADED'), m('B', 'MAINTENANCE')], now, 'UTC').headline).toBe('Degraded performance');
		expect(banner([m('A', 'DOWN'), m('B', 'DEGRADED'), m('C', 'UP')], now, 'UTC')).toMatchObject({
			headline: 'Partial outage',
			subline: '1 of 3 monitors down: A'
		});
		expect(banner([m('A', 'DOWN'), m('B', 'DOWN')], now, 'UTC')).toMatchObject({
			state: 'DOWN',
			headline: 'Major outage',
			subline: 'All 2 monitors are down'
		});
	});
	it('never counts monitors without recent data as up', () => {
		// All with data are up, some have none: not "All systems operational".
		const b = banner([m('A', 'UP'), m('B', 'NODATA')], now, 'UTC');
		expect(b).toEqual({
			state: 'NODATA',
			headline: '1 monitor has no recent data',
			subline: 'The other 1 is operational · Updated 10:00:00 UTC · refreshes every 60 s',
			note: 'No recent data: B'
		});
		// The demo's case: 151 of 200 without a current check.
		const many = banner(
			Array.from({ length: 200 }, (_, i) => m(`TCP ${i + 1}`, i < 151 ? 'NODATA' : 'UP')),
			now,
			'UTC'
		);
		expect(many.headline).toBe('151 monitors have no recent data');
		expect(many.state).toBe('NODATA');
		expect(many.subline).toMatch(/^The other 49 are operational · /);
		expect(many.note).toBe('No recent data: TCP 1, TCP 2, TCP 3 and 148 more');
		for (const s of ['DOWN', 'DEGRADED', 'MAINTENANCE'] as const) {
			const worse = banner([m('A', s), m('B', 'NODATA'), m('C', 'UP')], now, 'UTC');
			expect(worse.state).toBe(s);
			expect(worse.note).toBe('1 monitor has no recent data: B');
		}
		// Down with some unknown is not "all down".
		expect(banner([m('A', 'DOWN'), m('B', 'NODATA')], now, 'UTC').headline).toBe('Partial outage');
		expect(banner([m('B', 'NODATA')], now, 'UTC')).toMatchObject({ state: 'NODATA', headline: 'Status unknown' });
		expect(banner([m('A', 'UP'), m('B', 'UP')], now, 'UTC')).toMatchObject({ state: 'UP', headline: 'All systems operational', note: '' });
	});
});

describe('parseOlder: the older-changes cursor from the URL', () => {
	const now = new Date('2026-12-06T12:00:00Z');
	it('takes a time between 2000 and a day from now, and nothing else', () => {
		expect(parseOlder('2026-12-01T10:00:00.000Z', now)?.toISOString()).toBe('2026-12-01T10:00:00.000Z');
		for (const raw of [null, '', 'x', '-271821-04-20', '275760-09-13', '1999-12-31T23:59:59Z', '2026-12-08T00:00:00Z']) {
			expect(parseOlder(raw, now), String(raw)).toBeNull();
		}
	});
});
