import { describe, expect, it } from 'vitest';
import { isTransientDbError, WriteBuffer } from './write-buffer';
import { silentLogger } from '../log';
import type { CheckInput } from '../db/queries/checks';

const check = (monitorId: number, s: number): CheckInput => ({
	monitorId,
	ts: new Date(s * 1000),
	status: 'UP',
	latency: 1,
	pings: []
});
const connRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const until = async (f: () => boolean) => {
	for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('isTransientDbError', () => {
	it('retries connection trouble, not constraint violations', () => {
		expect(isTransientDbError(connRefused)).toBe(true);
		expect(isTransientDbError({ code: '57P01' })).toBe(true); // admin shutdown
		expect(isTransientDbError({ code: '08006' })).toBe(true);
		expect(isTransientDbError(new Error('Failed query', { cause: { code: '23503' } }))).toBe(false); // FK
		expect(isTransientDbError(new Error('Failed query', { cause: connRefused }))).toBe(true);
	});
});

describe('WriteBuffer', () => {
	it('holds results while writes fail, then writes each once, per monitor in order', async () => {
		let down = true;
		const written: string[] = [];
		const buf = new WriteBuffer({
			write: async (c) => {
				if (down) throw connRefused;
				written.push(`${c.monitorId}@${c.ts.getTime() / 1000}`);
				return true;
			},
			capacity: () => 100,
			log: silentLogger,
			retryMs: 10
		});
		expect(await buf.submit(check(1, 1))).toBe('buffered');
		// Once something waits, newer results queue behind it even if the DB is back.
		expect(await buf.submit(check(2, 1))).toBe('buffered');
		expect(await buf.submit(check(1, 2))).toBe('buffered');
		down = false;
		await until(() => buf.size === 0);
		expect(buf.size).toBe(0);
		expect(written.filter((w) => w.startsWith('1@'))).toEqual(['1@1', '1@2']);
		expect(written.sort()).toEqual(['1@1', '1@2', '2@1']);
		expect(await buf.submit(check(1, 3))).toBe('written');
	});

	it('drops the oldest past capacity and counts them', async () => {
		const buf = new WriteBuffer({
			write: async () => {
				throw connRefused;
			},
			capacity: () => 3,
			log: silentLogger,
			retryMs: 10_000
		});
		for (let i = 1; i <= 5; i++) await buf.submit(check(1, i));
		expect(buf.size).toBe(3);
		expect(buf.dropped).toBe(2);
		expect(await buf.drain(10)).toBe(3);
	});

	it('rejects what the database refuses for good instead of retrying forever', async () => {
		const buf = new WriteBuffer({
			write: async () => {
				throw new Error('Failed query', { cause: { code: '23503' } });
			},
			capacity: () => 10,
			log: silentLogger
		});
		expect(await buf.submit(check(9, 1))).toBe('rejected');
		expect(buf.size).toBe(0);
	});
});
