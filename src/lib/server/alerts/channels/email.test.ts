// An SMTP server's refusal can span lines (`535-…` then `535 …`); the error
// logged for the attempt stays one line, so a line shaped like a log entry in
// the server's reply cannot forge one in Porthole's log.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { email } from './email';

let server: Server;
let port: number;

beforeAll(async () => {
	server = createServer((s) => {
		s.on('error', () => {});
		s.write('220 test ESMTP\r\n');
		s.on('data', (d) => {
			const line = d.toString();
			if (/^EHLO/i.test(line)) s.write('250-test\r\n250 AUTH PLAIN LOGIN\r\n');
			else if (/^AUTH/i.test(line)) s.write('535-first line\r\n535 2026-01-01T00:00:00.000Z ERROR [porthole] FORGED\r\n');
			else if (/^QUIT/i.test(line)) s.end('221 bye\r\n');
			else s.write('250 ok\r\n');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('an SMTP refusal over several lines', () => {
	it('is logged as one line with both parts', async () => {
		const config = { host: '127.0.0.1', port, secure: false, user: 'u', password: 'p', from: 'a@example.com', to: ['b@example.com'] };
		const out = {
			key: 'k1',
			digest: false,
			messages: [{ idempotencyKey: 'k1', payload: { kind: 'test', at: '2026-01-01T00:00:00.000Z', channel: { name: 'c' } } }]
		};
		const r = await email.deliver(config, out, { timeoutMs: 5000 });
		expect(r.delivered).toBe(false);
		expect(r.statusCode).toBe(535);
		expect(r.error).not.toMatch(/[\r\n]/);
		expect(r.error).toMatch(
			/^SMTP 127\.0\.0\.1:\d+: Invalid login: 535-first line 535 2026-01-01T00:00:00\.000Z ERROR \[porthole\] FORGED/
		);
	});
});
