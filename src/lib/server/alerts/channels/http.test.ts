// A chat receiver that echoes the request in its error answer ("Cannot POST
// /services/T…/B…/token", as Express and many proxies do) must not put the
// token in the delivery log: read keys see that log, and the server log too.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, redactUrl } from './http';

const TOKEN = 'xoxTOKEN-0123456789abcdef';
let server: Server;
let base: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			// A long answer: the 200 characters kept end in the middle of the echoed token.
			const pad = req.url!.includes('pad') ? 'x'.repeat(152) + ' ' : '';
			res
				.writeHead(404, { 'content-type': 'text/html' })
				.end(`<pre>${pad}Cannot POST ${req.url}</pre> token=${decodeURIComponent(req.url!)}`);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

describe('a receiver that echoes the URL', () => {
	it('is logged without the URL path segments or query values', async () => {
		const r = await postJson('Slack', `${base}/services/T0AAAA/B0BBBB/${TOKEN}?key=QUERY%2FSECRET99`, { text: 'x' }, 5000);
		expect(r.statusCode).toBe(404);
		expect(r.delivered).toBe(false);
		expect(r.error).toMatch(/^Slack answered 404: <pre>Cannot POST \/…\/…\/…\/…\?key=…<\/pre> token=/);
		for (const secret of [TOKEN, 'T0AAAA', 'B0BBBB', 'QUERY', 'SECRET99']) expect(r.error).not.toContain(secret);
	});

	it('is redacted before the cut, so no start of a token is left at the end', async () => {
		const r = await postJson('Discord', `${base}/pad/api/webhooks/1/${TOKEN}`, { content: 'x' }, 5000);
		expect(r.statusCode).toBe(404);
		expect(r.error!.length).toBeLessThanOrEqual('Discord answered 404: '.length + 200);
		expect(r.error).not.toContain(TOKEN.slice(0, 6));
	});

	it('leaves short segments and the rest of the text alone', () => {
		expect(redactUrl('no_service for /a/webhook/abcdef', new URL('https://h.example/a/webhook/abcdef'))).toBe('no_service for /a/…/…');
	});
});
