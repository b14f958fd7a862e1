import { describe, expect, it } from 'vitest';
import { evalDeadline, evalInput, liveOf, readyToEval, LIVE_MS } from './location-eval';
import { nativeDefaultEval } from '../eval/default';
import type { Ping } from '../types';

const ping = (status: Ping['status'], latency = 1, host = '127.0.0.1'): Ping => ({ status, latency, host, port: 80, type: 'tcp' });

describe('live locations', () => {
	it('are those seen within the window, sorted; a stale or unreadable age is not live', () => {
		const ages = [
			{ name: 'us-1', ageMs: 1000 },
			{ name: 'eu-1', ageMs: LIVE_MS - 1 },
			{ name: 'ap-1', ageMs: LIVE_MS },
			{ name: 'sa-1', ageMs: Number.NaN }
		];
		expect(liveOf(ages)).toEqual(['eu-1', 'us-1']);
		expect(liveOf(ages, 500)).toEqual([]);
	});
});

describe('who runs the eval, and when', () => {
	const deadline = 10_000;
	it('the location that completes the set of live locations runs it', () => {
		expect(readyToEval(['eu-1', 'us-1'], ['ap-1', 'eu-1', 'us-1'], 5000, deadline)).toBe(false);
		expect(readyToEval(['ap-1', 'eu-1', 'us-1'], ['ap-1', 'eu-1', 'us-1'], 5000, deadline)).toBe(true);
	});
	it('a location that reported without being live (stale heartbeat) does not hold anything up', () => {
		expect(readyToEval(['eu-1', 'old'], ['eu-1'], 5000, deadline)).toBe(true);
	});
	it('past the deadline whoever has reported is enough: a dead location never blocks the slot', () => {
		expect(readyToEval(['eu-1'], ['ap-1', 'eu-1', 'us-1'], deadline - 1, deadline)).toBe(false);
		expect(readyToEval(['eu-1'], ['ap-1', 'eu-1', 'us-1'], deadline, deadline)).toBe(true);
	});
	it('nothing reported: never', () => {
		expect(readyToEval([], [], 0, deadline)).toBe(false);
		expect(readyToEval([], ['eu-1'], deadline + 1, deadline)).toBe(false);
	});
	it('the deadline is the planned start, the slowest timeout and a grace of 2 s or a fifth of the interval', () => {
		expect(evalDeadline(1000, [{ timeout: 500 }, { timeout: 3000 }], 5000)).toBe(1000 + 3000 + 2000);
		expect(evalDeadline(1000, [{ timeout: 1000 }], 60_000)).toBe(1000 + 1000 + 12_000);
		expect(evalDeadline(1000, [], 5000)).toBe(3000);
	});
});

describe('the eval input', () => {
	const results = [
		{ location: 'us-1', pings: [ping('open', 3, 'a'), ping('open', 4, 'b')] },
		{ location: 'ap-1', pings: [ping('error', 0, 'a'), ping('open', 2, 'b')] }
	];
	it('is every location’s pings, by location then host order, each with its location', () => {
		const input = evalInput(results);
		expect(input.map((p) => [p.location, p.host, p.status])).toEqual([
			['ap-1', 'a', 'error'],
			['ap-1', 'b', 'open'],
			['us-1', 'a', 'open'],
			['us-1', 'b', 'open']
		]);
		// The spec's fields come first and unchanged; the input rows are not modified.
		expect(Object.keys(input[0])).toEqual(['status', 'latency', 'host', 'port', 'type', 'location']);
		expect(results[1].pings[0]).not.toHaveProperty('location');
	});
	it('the default eval says DOWN when one location cannot reach the service, UP when all can', () => {
		expect(nativeDefaultEval(evalInput(results))?.status).toBe('DOWN');
		const allOpen = evalInput([{ location: 'ap-1', pings: [ping('open', 2)] }, ...results.slice(0, 1)]);
		expect(nativeDefaultEval(allOpen)).toMatchObject({ status: 'UP', latency: 3 });
	});
});
