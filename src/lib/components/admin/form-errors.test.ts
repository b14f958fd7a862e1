import { describe, expect, it } from 'vitest';
import { clearFor, errorKey } from './form-errors';

const typed = (name: string) => {
	const input = document.createElement('input');
	input.name = name;
	const e = new Event('input');
	Object.defineProperty(e, 'target', { value: input });
	return e;
};

describe('form errors', () => {
	it('maps controls to the keys the server names', () => {
		expect(errorKey('monitor')).toBe('monitors');
		expect(errorKey('impact.db-main')).toBe('monitors');
		expect(errorKey('rrule')).toBe('window.rrule');
		expect(errorKey('start')).toBe('window.start');
		expect(errorKey('title')).toBe('title');
	});

	it("typing clears only that field's message", () => {
		const errors = { title: 'must not be empty', 'window.rrule': 'needs FREQ', monitors: 'must name at least one monitor' };
		expect(clearFor(errors, typed('rrule'))).toEqual({ title: 'must not be empty', monitors: 'must name at least one monitor' });
		expect(clearFor(errors, typed('monitor'))).toEqual({ title: 'must not be empty', 'window.rrule': 'needs FREQ' });
		expect(clearFor(errors, typed('body'))).toBe(errors);
	});
});
