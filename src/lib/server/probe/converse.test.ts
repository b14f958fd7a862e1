// "Beyond the port is open" against real local servers: a banner server, a
// Redis-like PING/PONG server, a silent one, and a TLS server whose
// self-signed certificate (made here with openssl) expires in 5 days.
// Traffic goes to 127.0.0.1 only.
import { describe, it, expect, beforeAll } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { probeHost, probeHosts } from './tcp';
import type { Host } from '../types';
import { listen } from '../../../../tests/fixtures/net';
import { cleanups, useCleanups, withLagControl } from './tcp.fixtures';
import { hasOpenssl, selfSigned, serve, serveTls } from './tls.fixtures';

useCleanups();

const h = (port: number, extra: Partial<Host>, timeout = 1000): Host => ({ type: 'tcp', host: '127.0.0.1', port, timeout, ...extra });

/** Answers PING with +PONG, anything else with -ERR (Redis's inline protocol). */
const redisLike = (s: net.Socket) => {
	let buf = '';
	s.on('data', (d) => {
		buf += d.toString('latin1');
		let i;
		while ((i = buf.indexOf('\r\n')) >= 0) {
			const line = buf.slice(0, i);
			buf = buf.slice(i + 2);
			s.write(line === 'PING' ? '+PONG\r\n' : `-ERR unknown command '${line}'\r\n`);
		}
	});
};

describe('expect: banner services', () => {
	it('a banner prefix matches: open, banner escaped, matched true, latency the connect time', async () => {
		const port = await serve((s) => s.write('SSH-2.0-Test\r\n'));
		const ping = await probeHost(h(port, { expect: 'SSH-2.0-' }));
		expect(ping).toEqual({
			status: 'open',
			latency: expect.any(Number),
			host: '127.0.0.1',
			port,
			type: 'tcp',
			address: '127.0.0.1',
			dnsLatency: 0,
			banner: 'SSH-2.0-Test\\r\\n',
			matched: true
		});
		expect(Object.keys(ping)).toEqual(['status', 'latency', 'host', 'port', 'type', 'address', 'dnsLatency', 'banner', 'matched']);
	});

	it('the ssh preset and a regex expect both match the same banner', async () => {
		const port = await serve((s) => s.write('SSH-2.0-Test\r\n'));
		const [preset, regex, caseless] = await probeHosts([
			h(port, { preset: 'ssh' }),
			h(port, { expect: '/^SSH-\\d\\.\\d-Te/' }),
			h(port, { expect: '/^ssh-2\\.0-test\\r$/im' })
		]);
		expect([preset.matched, regex.matched, caseless.matched]).toEqual([true, true, true]);
		expect([preset.status, regex.status, caseless.status]).toEqual(['open', 'open', 'open']);
	});

	it('a different banner: error EEXPECT naming both, matched false', async () => {
		const port = await serve((s) => s.write('220 mail.test ESMTP\r\n'));
		const ping = await probeHost(h(port, { expect: 'SSH-' }));
		expect(ping.status).toBe('error');
		expect(ping.matched).toBe(false);
		expect(ping.banner).toBe('220 mail.test ESMTP\\r\\n');
		expect(ping.error).toBe('EEXPECT: expected "SSH-", got "220 mail.test ESMTP\\r\\n"');
		expect(ping.latency).toBeGreaterThan(0);
	});

	it('a binary banner is escaped and capped at 128 characters', async () => {
		const port = await serve((s) => s.write(Buffer.concat([Buffer.from([0, 1, 0xff, 0x5c]), Buffer.alloc(300, 0x41)])));
		const ping = await probeHost(h(port, { expect: '/^\\x00\\x01/' }));
		expect(ping.matched).toBe(true);
		expect(ping.banner!.startsWith('\\x00\\x01\\xff\\\\AAAA')).toBe(true);
		expect(ping.banner!.length).toBe(128);
	});

	it('a service that accepts and says nothing → timeout within the host timeout, matched false', async () => {
		const l = await listen('127.0.0.1', 0, { hold: true });
		cleanups.push(l.close);
		const { result: ping, wall, lag } = await withLagControl(300, () => probeHost(h(l.port, { expect: 'SSH-' }, 300)));
		expect(ping.status).toBe('timeout');
		expect(ping.error).toBe(`ETIMEDOUT: no answer from 127.0.0.1:${l.port} within 300 ms`);
		expect(ping.banner).toBe('');
		expect(ping.matched).toBe(false);
		expect(wall).toBeGreaterThanOrEqual(300);
		expect(wall).toBeLessThanOrEqual(400 + lag);
	});

	it('a service that closes without a word → error, got nothing', async () => {
		const port = await serve((s) => s.end());
		const ping = await probeHost(h(port, { expect: '220' }));
		expect(ping.status).toBe('error');
		expect(ping.matched).toBe(false);
		expect(ping.error).toBe('EEXPECT: expected "220", got nothing (connection closed)');
	});
});

describe('send + expect', () => {
	it('Redis-like: PING → +PONG (preset and explicit), a wrong request → matched false', async () => {
		const port = await serve(redisLike);
		const [preset, explicit, regex, wrong] = await probeHosts([
			h(port, { preset: 'redis' }),
			h(port, { send: 'PING\r\n', expect: '+PONG' }),
			h(port, { send: 'PING\r\n', expect: '/^\\+PONG\\r\\n$/' }),
			h(port, { send: 'HELLO\r\n', expect: '+PONG' })
		]);
		for (const p of [preset, explicit, regex]) {
			expect(p.status).toBe('open');
			expect(p.matched).toBe(true);
			expect(p.banner).toBe('+PONG\\r\\n');
		}
		expect(wrong.status).toBe('error');
		expect(wrong.matched).toBe(false);
		expect(wrong.error).toBe(`EEXPECT: expected "+PONG", got "-ERR unknown command 'HELLO'\\r\\n"`);
	});

	it('a preset or expect the probe cannot use → error EINVAL, nothing dialled', async () => {
		let accepted = 0;
		const port = await serve(() => accepted++);
		const [preset, regex] = await probeHosts([h(port, { preset: 'mysql' }), h(port, { expect: '/(?=x)/' })]);
		expect(preset.status).toBe('error');
		expect(preset.error).toBe('EINVAL: unknown preset "mysql"');
		expect(regex.status).toBe('error');
		expect(regex.error).toMatch(/^EINVAL: expect is not a regular expression this probe can run/);
		expect(accepted).toBe(0);
	});

	it('a plain host keeps the five fields plus address and dnsLatency only', async () => {
		const port = await serve(redisLike);
		const ping = await probeHost(h(port, {}));
		expect(Object.keys(ping)).toEqual(['status', 'latency', 'host', 'port', 'type', 'address', 'dnsLatency']);
	});
});

describe.skipIf(!hasOpenssl && process.env.CI !== 'true')('tls', () => {
	let creds = { key: '', cert: '' };
	beforeAll(() => {
		creds = selfSigned(5); // expires in 5 days
	});
	const tlsServer = (onSocket: (s: net.Socket) => void) => serveTls(creds, onSocket);

	it('handshake done: open, TLS fields, certDaysLeft 4 or 5, tlsError says self-signed', async () => {
		const port = await tlsServer(() => {});
		const before = Date.now();
		const ping = await probeHost(h(port, { tls: true }));
		expect(ping.status).toBe('open');
		expect(ping.error).toBeUndefined();
		expect(ping.tlsLatency).toBeGreaterThan(0);
		expect(ping.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
		expect([4, 5]).toContain(ping.certDaysLeft);
		const validTo = Date.parse(ping.certValidTo!);
		expect(new Date(validTo).toISOString()).toBe(ping.certValidTo);
		expect(Math.abs(validTo - (before + 5 * 86_400_000))).toBeLessThan(120_000);
		expect(ping.tlsError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate');
		expect(Object.keys(ping)).toEqual([
			'status',
			'latency',
			'host',
			'port',
			'type',
			'address',
			'dnsLatency',
			'tlsLatency',
			'tlsProtocol',
			'certValidTo',
			'certDaysLeft',
			'tlsError'
		]);
	});

	it('TLS then send/expect (IMAPS-like banner, Redis-like over TLS, by name with SNI)', async () => {
		let sni: string | null | false | undefined;
		const imap = await tlsServer((s) => s.write('* OK IMAP4rev1 ready\r\n'));
		const redis = await tlsServer((s) => {
			sni = (s as tls.TLSSocket).servername;
			redisLike(s);
		});
		const [a, b] = await probeHosts([
			h(imap, { tls: true, preset: 'imap' }),
			{ type: 'tcp', host: 'localhost', port: redis, timeout: 1000, tls: true, preset: 'redis' }
		]);
		expect(a.status).toBe('open');
		expect(a.matched).toBe(true);
		expect(a.banner).toBe('* OK IMAP4rev1 ready\\r\\n');
		expect(a.tlsProtocol).toBeDefined();
		expect(b.status).toBe('open');
		expect(b.matched).toBe(true);
		expect(b.banner).toBe('+PONG\\r\\n');
		expect(sni).toBe('localhost');
		// localhost is in the certificate: only its self-signature is wrong
		expect(b.tlsError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate');
	});

	it('no SNI for an IP literal; a plain-text service behind tls: true → error, no TLS fields', async () => {
		let sni: string | null | false | undefined = 'unset';
		const port = await tlsServer((s) => {
			sni = (s as tls.TLSSocket).servername;
			s.write('+OK POP3 ready\r\n');
		});
		// With an expect, the client waits for the server's side of the handshake.
		const pop = await probeHost(h(port, { tls: true, preset: 'pop3' }));
		expect(pop.matched).toBe(true);
		expect(sni).toBe(false);
		const plain = await serve((s) => s.write('SSH-2.0-Test\r\n'));
		const ping = await probeHost(h(plain, { tls: true }));
		expect(ping.status).toBe('error');
		expect(ping.error).toMatch(/^(ERR_SSL_|EPROTO|ECONNRESET)/);
		expect(ping.tlsLatency).toBeUndefined();
	});

	it('a TLS server that never finishes the handshake → timeout naming the handshake', async () => {
		const l = await listen('127.0.0.1', 0, { hold: true });
		cleanups.push(l.close);
		const ping = await probeHost(h(l.port, { tls: true }, 300));
		expect(ping.status).toBe('timeout');
		expect(ping.error).toBe(`ETIMEDOUT: no TLS handshake with 127.0.0.1:${l.port} within 300 ms`);
		expect(ping.tlsLatency).toBeUndefined();
	});
});
