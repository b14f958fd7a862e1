// Self-signed certificates made with openssl for the TLS probe tests
// (converse.test.ts, converse-eval.test.ts), and servers on 127.0.0.1 closed
// after each test (tcp.fixtures.ts's cleanups).
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { cleanups } from './tcp.fixtures';

export const hasOpenssl = (() => {
	try {
		execFileSync('openssl', ['version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

/** A self-signed P-256 certificate for localhost and 127.0.0.1 that expires in `days` days. */
export function selfSigned(days: number): { key: string; cert: string } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-tls-'));
	try {
		const keyFile = path.join(dir, 'key.pem');
		const certFile = path.join(dir, 'cert.pem');
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:P-256',
				'-nodes',
				'-days',
				String(days),
				'-subj',
				'/CN=localhost',
				'-addext',
				'subjectAltName=DNS:localhost,IP:127.0.0.1',
				'-keyout',
				keyFile,
				'-out',
				certFile
			],
			{ stdio: 'ignore' }
		);
		return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** A server on 127.0.0.1 running `onSocket` for each connection; closed after the test. Its port. */
export async function serve(
	onSocket: (s: net.Socket) => void,
	make: (h: (s: net.Socket) => void) => net.Server = net.createServer
): Promise<number> {
	const sockets = new Set<net.Socket>();
	const server = make((s) => {
		sockets.add(s);
		s.on('error', () => {});
		s.on('close', () => sockets.delete(s));
		onSocket(s);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	cleanups.push(
		() =>
			new Promise<void>((r) => {
				for (const s of sockets) s.destroy();
				server.close(() => r());
			})
	);
	return (server.address() as net.AddressInfo).port;
}

/** A TLS server with `creds` (see selfSigned). */
export const serveTls = (creds: { key: string; cert: string }, onSocket: (s: net.Socket) => void) =>
	serve(onSocket, (handler) => tls.createServer(creds, handler));
