import { describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { RequestEvent } from '@sveltejs/kit';
import { compress, compressible, MIN_BYTES, pickEncoding } from './compress';

describe('pickEncoding', () => {
	it('prefers br, honours q-values and q=0, and needs a header', () => {
		expect(pickEncoding(null)).toBeNull();
		expect(pickEncoding('')).toBeNull();
		expect(pickEncoding('identity')).toBeNull();
		expect(pickEncoding('gzip, deflate, br')).toBe('br');
		expect(pickEncoding('gzip, deflate')).toBe('gzip');
		expect(pickEncoding('br;q=0, gzip')).toBe('gzip');
		expect(pickEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
		expect(pickEncoding('GZIP;Q=1, BR;q=1')).toBe('br');
		expect(pickEncoding('*')).toBe('br');
		expect(pickEncoding('*;q=0')).toBeNull();
		expect(pickEncoding('gzip;q=0, br;q=0')).toBeNull();
		expect(pickEncoding('x-gzip')).toBe('gzip');
		expect(pickEncoding('br;q=nonsense, gzip')).toBe('gzip');
	});
});

const page = '<!doctype html><p>' + 'status row '.repeat(500) + '</p>';
const respond = (body: string, headers: Record<string, string>, status = 200) =>
	new Response(body, { status, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } });

async function run(accept: string | null, response: Response, init: { method?: string; sub?: boolean } = {}) {
	const headers: Record<string, string> = accept ? { 'accept-encoding': accept } : {};
	const event = {
		request: new Request('http://x/', { method: init.method ?? 'GET', headers }),
		isSubRequest: init.sub ?? false
	} as unknown as RequestEvent;
	return compress({ event, resolve: async () => response });
}

describe('compress hook', () => {
	it('brotli- or gzip-encodes a page, body intact, length, vary and ETag adjusted', async () => {
		const br = await run('gzip, br', respond(page, { 'content-type': 'text/html', etag: '"abc"' }));
		expect(br.headers.get('content-encoding')).toBe('br');
		expect(br.headers.get('vary')).toContain('Accept-Encoding');
		expect(br.headers.get('etag')).toBe('"abc-br"');
		const brBody = Buffer.from(await br.arrayBuffer());
		expect(Number(br.headers.get('content-length'))).toBe(brBody.byteLength);
		expect(brBody.byteLength).toBeLessThan(page.length / 5);
		expect(brotliDecompressSync(brBody).toString()).toBe(page);

		const gz = await run('gzip', respond(page, { 'content-type': 'application/json' }));
		expect(gz.headers.get('content-encoding')).toBe('gzip');
		expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(page);
	});

	it('sends identity (with Vary) to clients that accept no encoding', async () => {
		const r = await run(null, respond(page, { 'content-type': 'text/html' }));
		expect(r.headers.get('content-encoding')).toBeNull();
		expect(r.headers.get('vary')).toContain('Accept-Encoding');
		expect(await r.text()).toBe(page);
	});

	it('leaves alone: small bodies, other types, encoded bodies, own validators, errors, POSTs and sub-requests', async () => {
		const html = { 'content-type': 'text/html' };
		const small = 'x'.repeat(MIN_BYTES - 1);
		const cases: [Response, { method?: string; sub?: boolean }?][] = [
			[respond(small, html)],
			[respond(page, { 'content-type': 'image/svg+xml' })],
			[respond(page, { 'content-type': 'application/json', etag: '"v1"' })],
			[respond(page, { 'content-type': 'application/json', 'content-encoding': 'gzip' })],
			[respond(page, { 'content-type': 'text/html', 'cache-control': 'no-transform' })],
			[respond(page, html, 404)],
			[respond(page, html), { method: 'POST' }],
			[respond(page, html), { sub: true }],
			[new Response(page, { headers: html })]
		];
		for (const [res, init] of cases) {
			const before = res.headers.get('content-encoding');
			const out = await run('br, gzip', res, init);
			expect(out.headers.get('content-encoding')).toBe(before);
			const text = await out.text();
			if (!before) expect(text).toBe(res === cases[0][0] ? small : page);
		}
		expect(compressible(new Request('http://x/'), respond(page, html))).toBe(true);
	});
});
