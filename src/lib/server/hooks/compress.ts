// Compression of pages and JSON when the client accepts it. The home page at
// 1,000 monitors is 1.7 MB of HTML and 200-250 KB compressed; a status page
// is opened during incidents, on phones, and often without a compressing
// proxy in front. Brotli at quality 2 takes ~5-7 ms for that page (240 KB) and gzip at
// level 4 ~12 ms, both on libuv's thread pool (node:zlib's async API), so
// the event loop keeps serving meanwhile. Small bodies, responses that are
// already encoded (summary.json carries precomputed gzip) and responses whose
// route answers If-None-Match itself (badges, /api/v2: a changed ETag would
// break their 304s) go out as they are. Pages' ETags are SvelteKit's own and
// differ on every response (the CSP nonce), so suffixing them loses nothing.
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Handle } from '@sveltejs/kit';

/** Below this, headers and a compressor's framing cost more than they save. */
export const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/html|application\/json)\b/;

const br = promisify(brotliCompress);
const gz = promisify(gzip);

export type Encoding = 'br' | 'gzip';

/**
 * The encoding to use for an Accept-Encoding header (RFC 9110 §12.5.3):
 * br over gzip at equal weight, nothing for q=0 or an absent header.
 */
export function pickEncoding(accept: string | null): Encoding | null {
	if (!accept) return null;
	const q = new Map<string, number>();
	for (const part of accept.split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		if (!name) continue;
		let weight = 1;
		for (const p of params) {
			if (!/^\s*q\s*=/.test(p)) continue;
			// A malformed weight disables the coding rather than guessing at it.
			const m = /^\s*q\s*=\s*([01](\.[0-9]{0,3})?)\s*$/.exec(p);
			weight = m ? Number(m[1]) : 0;
		}
		q.set(name, weight);
	}
	const of = (e: string) => q.get(e) ?? q.get('*') ?? 0;
	const brq = of('br');
	const gzq = Math.max(of('gzip'), q.get('x-gzip') ?? 0);
	if (brq > 0 && brq >= gzq) return 'br';
	if (gzq > 0) return 'gzip';
	return null;
}

export async function encode(body: Uint8Array, encoding: Encoding): Promise<Buffer> {
	if (encoding === 'br') {
		return br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 2, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
	}
	return gz(body, { level: 4 });
}

/** Whether a response may be compressed at all (before reading its body). */
export function compressible(request: Request, response: Response): boolean {
	if (request.method !== 'GET' && request.method !== 'HEAD') return false;
	if (response.status !== 200 || !response.body) return false;
	if (response.headers.has('content-encoding')) return false;
	if (/no-transform/i.test(response.headers.get('cache-control') ?? '')) return false;
	// Only bodies of known size: a stream (none today) is never buffered whole here.
	const length = Number(response.headers.get('content-length'));
	if (!response.headers.has('content-length') || !(length >= MIN_BYTES)) return false;
	const type = response.headers.get('content-type') ?? '';
	if (!COMPRESSIBLE.test(type)) return false;
	return !response.headers.has('etag') || type.startsWith('text/html');
}

export const compress: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (event.isSubRequest || !compressible(event.request, response)) return response;
	const encoding = pickEncoding(event.request.headers.get('accept-encoding'));
	const headers = new Headers(response.headers);
	headers.append('vary', 'Accept-Encoding');
	if (!encoding) return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	const raw = Buffer.from(await response.arrayBuffer());
	if (raw.byteLength < MIN_BYTES) return new Response(raw, { status: response.status, statusText: response.statusText, headers });
	const body = await encode(raw, encoding);
	headers.set('content-encoding', encoding);
	headers.set('content-length', String(body.byteLength));
	// The representation changed, so a strong validator must too (RFC 9110 §8.8.3).
	const etag = headers.get('etag');
	if (etag) headers.set('etag', etag.replace(/"$/, `-${encoding}"`));
	return new Response(new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as Uint8Array<ArrayBuffer>, {
		status: response.status,
		statusText: response.statusText,
		headers
	});
};
