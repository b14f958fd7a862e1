import { describe, expect, it } from 'vitest';
import { maintenanceResult } from './maintenance';
import type { Ping } from '../types';

const ping = (status: Ping['status'], error?: string): Ping => ({
	status,
	latency: 1,
	host: 'db.internal',
	port: 5432,
	type: 'tcp',
	error
});

describe('maintenanceResult', () => {
	it('records MAINTENANCE whatever was found, and keeps what was found in the error', () => {
		expect(maintenanceResult({ status: 'UP' }, [ping('open')])).toEqual({ status: 'MAINTENANCE', error: null });
		expect(maintenanceResult({ status: 'DEGRADED' }, [ping('open'), ping('timeout')])).toEqual({
			status: 'MAINTENANCE',
			error: 'under maintenance; found DEGRADED: db.internal:5432 timeout'
		});
		// The eval's own reason wins over the pings.
		expect(maintenanceResult({ status: 'DOWN', error: 'eval returned latency -1 ms' }, [ping('error', 'ECONNREFUSED')])).toEqual({
			status: 'MAINTENANCE',
			error: 'under maintenance; found DOWN: eval returned latency -1 ms'
		});
		expect(maintenanceResult({ status: 'DOWN' }, [ping('open'), ping('error', 'ECONNREFUSED 10.0.0.1:5432')]).error).toBe(
			'under maintenance; found DOWN: db.internal:5432 error (ECONNREFUSED 10.0.0.1:5432)'
		);
	});
});
