import { describe, it, expect } from 'vitest';
import { createLimiter, DEFAULT_MAX_SOCKETS, getMaxSockets, setMaxSockets } from './limiter';

describe('Limiter', () => {
	it('hands out slots in FIFO order, and a raised cap starts queued tasks', async () => {
		const lim = createLimiter(1);
		const order: number[] = [];
		const r1 = await lim.acquire();
		const p2 = lim.acquire().then((r) => (order.push(2), r));
		const p3 = lim.acquire().then((r) => (order.push(3), r));
		expect([lim.active, lim.pending]).toEqual([1, 2]);
		r1();
		r1(); // a second call is a no-op
		const r2 = await p2;
		expect([lim.active, lim.pending]).toEqual([1, 1]);
		lim.max = 2;
		const r3 = await p3;
		expect(order).toEqual([2, 3]);
		expect(lim.active).toBe(2);
		r2();
		r3();
		expect(lim.active).toBe(0);
		expect(() => lim.release()).toThrow(/no slot held/);
	});

	it('rejects a cap that is not a positive integer', () => {
		for (const bad of [0, -1, 1.5, Number.NaN, '3']) {
			expect(() => createLimiter(bad as number)).toThrow(RangeError);
		}
		expect(() => setMaxSockets(0)).toThrow(RangeError);
		expect(getMaxSockets()).toBe(DEFAULT_MAX_SOCKETS);
		expect(createLimiter(Infinity).max).toBe(Infinity);
	});

	it('does not recurse when queued tasks release synchronously', () => {
		const lim = createLimiter(1);
		let ran = 0;
		let first: (() => void) | undefined;
		lim.run(() => {
			first = () => lim.release();
		});
		for (let i = 0; i < 50_000; i++) {
			lim.run(() => {
				ran++;
				lim.release();
			});
		}
		first!();
		expect(ran).toBe(50_000);
		expect([lim.active, lim.pending]).toEqual([0, 0]);
	});
});
