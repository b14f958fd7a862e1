import { describe, expect, it } from 'vitest';
import { TaskQueue, type Task } from './queue';

let n = 0;
const task = (over: Partial<Task> = {}): Task => ({
	id: ++n,
	message: { kind: 'syntax', source: '' },
	timeoutMs: 100,
	urgent: false,
	reply: () => {},
	fail: () => {},
	...over
});

describe('TaskQueue', () => {
	it('hands out urgent tasks first, FIFO within each kind', () => {
		const q = new TaskQueue();
		const [a, b, u1, c, u2] = [task(), task(), task({ urgent: true }), task(), task({ urgent: true })];
		for (const t of [a, b, u1, c, u2]) q.add(t, () => expect.unreachable());
		expect(q.size).toBe(5);
		expect([q.next(), q.next(), q.next(), q.next(), q.next(), q.next()]).toEqual([u1, u2, a, b, c, undefined]);
		expect(q.size).toBe(0);
	});

	it('a task past its latest start is expired at once, one still waiting then is taken out', async () => {
		const q = new TaskQueue();
		const expired: Task[] = [];
		const late = task({ startBy: Date.now() - 1 });
		// (Far enough ahead that a busy machine pausing this thread between here and next() cannot make it late.)
		const soon = task({ startBy: Date.now() + 250 });
		const taken = task(); // no latest start: waits as long as it takes
		q.add(late, (t) => expired.push(t));
		q.add(soon, (t) => expired.push(t));
		q.add(taken, (t) => expired.push(t));
		expect(expired).toEqual([late]);
		expect(q.size).toBe(2);
		expect(q.next()).toBe(soon); // handed out in time: never expires, not even past its latest start
		await new Promise((r) => setTimeout(r, 300));
		expect(expired).toEqual([late]);
		expect(q.size).toBe(1);
		expect(q.takeAll()).toEqual([taken]);
		// A task left to wait past its latest start goes on its own.
		const waits = task({ startBy: Date.now() + 20 });
		q.add(waits, (t) => expired.push(t));
		await new Promise((r) => setTimeout(r, 60));
		expect(expired).toEqual([late, waits]);
		expect(q.size).toBe(0);
	});

	it('takeAll empties the queue, urgent first, and their expiry no longer fires', async () => {
		const q = new TaskQueue();
		const expired: Task[] = [];
		const a = task({ startBy: Date.now() + 20 });
		const u = task({ urgent: true });
		q.add(a, (t) => expired.push(t));
		q.add(u, (t) => expired.push(t));
		expect(q.takeAll()).toEqual([u, a]);
		await new Promise((r) => setTimeout(r, 50));
		expect(expired).toEqual([]);
	});
});
