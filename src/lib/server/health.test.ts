import { describe, expect, it } from 'vitest';
import { publicHealth, type Health } from './health';

describe('publicHealth', () => {
	it('tells anyone up or not, and nothing that counts or names what runs', () => {
		const full: Health = {
			status: 'degraded',
			database: { driver: 'postgres', reachable: true, error: 'connect ECONNREFUSED 10.0.0.5:5432' },
			snapshot: { generatedAt: null, error: 'x', monitors: [{ tag: 'secret-hidden', error: 'overflow' }] },
			notices: { loadedAt: null, error: 'relation "incidents" does not exist' },
			probeLoop: { running: true, monitors: 6, checks: 64, writeErrors: 0, buffer: { pending: 0, dropped: 0 } },
			uptimeSeconds: 5
		};
		expect(publicHealth(full)).toEqual({ status: 'degraded', database: { reachable: true } });
		expect(JSON.stringify(publicHealth(full))).not.toMatch(/secret|10\.0\.0\.5|postgres|"monitors"|incidents/);
	});
});
