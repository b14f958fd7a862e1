import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { etagMatches, preflight, send, withEtag } from './http';

describe('public response helper', () => {
	const big = withEtag(JSON.stringify({ x: 'y'.repeat(5000) }), 'application/json; charset=utf-8');
	const small = withEtag('{"a":1}', 'application/json; charset=utf-8');

	it('matches ETags weakly, in lists and with *', () => {
		expect(etagMatches('"a", "b"', '"b"')).toBe(true);
		expect(etagMatches('W/"b"', '"b"')).toBe(true);
		expect(etagMatches('*', '"b"')).toBe(true);
		expect(etagMatches('"bb"', '"b"')).toBe(false);
		expect(etagMatches(null, '"b"')).toBe(false);
	});

	it('serves gzip, precompressed, with its own ETag when accepted and the body is large', async () => {
		const r = send(big, { maxAge: 30, ifNoneMatch: null, acceptEncoding: 'br, gzip;q=0.8' });
		expect(r.headers.get('content-encoding')).toBe('gzip');
		expect(r.headers.get('vary')).toBe('Accept-Encoding');
		expect(r.headers.get('etag')).toBe(`${big.etag.slice(0, -1)}-gz"`);
		expect(gunzipSync(Buffer.from(await r.arrayBuffer())).toString()).toBe(big.body);
		expect(send(big, { maxAge: 30, ifNoneMatch: r.headers.get('etag'), acceptEncoding: 'gzip' }).status).toBe(304);
		// The identity ETag does not validate the gzip representation, nor the other way round.
		expect(send(big, { maxAge: 30, ifNoneMatch: big.etag, acceptEncoding: 'gzip' }).status).toBe(200);

		const plain = send(big, { maxAge: 30, ifNoneMatch: null });
		expect(plain.headers.get('content-encoding')).toBeNull();
		expect(await plain.text()).toBe(big.body);
		const tiny = send(small, { maxAge: 30, ifNoneMatch: null, acceptEncoding: 'gzip' });
		expect(tiny.headers.get('content-encoding')).toBeNull();
		expect(tiny.headers.get('vary')).toBeNull();
	});

	it('answers CORS preflights for any origin', () => {
		const r = preflight();
		expect(r.status).toBe(204);
		expect(r.headers.get('access-control-allow-origin')).toBe('*');
		expect(r.headers.get('access-control-allow-methods')).toContain('GET');
		expect(r.headers.get('access-control-allow-headers')).toBe('If-None-Match');
	});

	it('never answers 304 for an error or an uncached response', () => {
		expect(send(small, { status: 404, maxAge: 30, ifNoneMatch: small.etag }).status).toBe(404);
		expect(send(small, { maxAge: 0, noStore: true, ifNoneMatch: small.etag }).status).toBe(200);
	});
});
