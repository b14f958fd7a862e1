import { describe, expect, it } from 'vitest';
import { INCIDENT_IMPACTS, INCIDENT_STATES } from './server/incidents/model';
import { IMPACTS, STATES, span, when } from './notice-words';

describe('notice words', () => {
	it("name exactly the model's states and impacts, in its order", () => {
		expect(STATES).toEqual([...INCIDENT_STATES]);
		expect(IMPACTS).toEqual([...INCIDENT_IMPACTS]);
	});

	it('say times in the given zone', () => {
		expect(when('2026-10-14T12:03:00Z', 'Europe/Berlin')).toBe('Wed 14 Oct 2026, 14:03 Europe/Berlin');
		expect(span('2026-10-14T00:00:00Z', '2026-10-14T01:00:00Z', 'Etc/UTC')).toBe('Wed 14 Oct 2026, 00:00–01:00 UTC');
		expect(span('2026-10-14T21:30:00Z', '2026-10-14T23:00:00Z', 'Europe/Berlin')).toBe(
			'Wed 14 Oct 2026, 23:30 – Thu 15 Oct 2026, 01:00 Europe/Berlin'
		);
	});
});
