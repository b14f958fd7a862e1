import { describe, expect, it } from 'vitest';
import { compareNames, comparePageOrder, inPageOrder, nameCollator } from './order';

describe('natural order of names', () => {
	it('compares numbers in names as numbers, not text', () => {
		const text = ['TCP 1', 'TCP 10', 'TCP 100', 'TCP 101', 'TCP 11', 'TCP 2', 'TCP 20', 'TCP 3'];
		expect([...text].sort(compareNames)).toEqual(['TCP 1', 'TCP 2', 'TCP 3', 'TCP 10', 'TCP 11', 'TCP 20', 'TCP 100', 'TCP 101']);
		expect(['db-10', 'db-9', 'db-09b', 'api'].sort(compareNames)).toEqual(['api', 'db-9', 'db-09b', 'db-10']);
	});

	it('ignores case and accents for order, then breaks ties so the order is total and stable', () => {
		expect(nameCollator.compare('Redis', 'redis')).toBe(0);
		expect(['b', 'B', 'a', 'É', 'e'].sort(compareNames)).toEqual(['a', 'B', 'b', 'e', 'É']);
		expect(compareNames('x', 'x')).toBe(0);
	});

	it('page order: ungrouped first, groups naturally, explicit order before the name, tag last', () => {
		const k = (tag: string, group: string | null, order: number, name: string) => ({ tag, group, order, name });
		const rows = [
			k('a', 'Group 10', 0, 'A'),
			k('b', 'Group 2', 5, 'A'),
			k('c', 'Group 2', 0, 'Z'),
			k('d', null, 0, 'Host 10'),
			k('e', null, 0, 'Host 9'),
			k('g', null, 0, 'Same'),
			k('f', null, 0, 'Same')
		];
		expect(inPageOrder(rows, (r) => r).map((r) => r.tag)).toEqual(['e', 'd', 'f', 'g', 'c', 'b', 'a']);
		expect(comparePageOrder(rows[0], rows[0])).toBe(0);
	});
});
