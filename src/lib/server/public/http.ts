// Response helpers for the public, cacheable reads (badges, Statuspage JSON):
// explicit content type, a short max-age, a strong ETag answered with 304,
// and open CORS (they are public by design). Plain Web API: no SvelteKit.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface Body {
	body: string;
	etag: string;
	contentType: string;
	/** UTF-8 bytes and gzip of body, made on first use and kept with the (memoised) body. */
	bytes?: Uint8Array<ArrayBuffer>;
	gzip?: Uint8Array<ArrayBuffer>;
}

/** Bodies under this size go out as they are: gzip would save less than a packet. */
const GZIP_MIN = 1400;
const encoder = new TextEncoder();

export function withEtag(body: string, contentType: string): Body {
	return { body, contentType, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
}

/** On every public read. (Each header costs validation in undici's Response: keep the hot path's list short.) */
export const CORS_HEADERS = {
	'access-control-allow-origin': '*',
	'access-control-expose-headers': 'ETag'
} as const;

/** The answer to a CORS preflight. */
export function preflight(): Response {
	return new Response(null, {
		status: 204,
		headers: {
			...CORS_HEADERS,
			'access-control-allow-methods': 'GET, HEAD, OPTIONS',
			'access-control-allow-headers': 'If-None-Match',
			'access-control-max-age': '86400'
		}
	});
}

/** True when an If-None-Match header lists this ETag (or *). Weak comparison, as RFC 9110 asks for GET. */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
	if (!ifNoneMatch) return false;
	const bare = etag.replace(/^W\//, '');
	return ifNoneMatch.split(',').some((t) => {
		const v = t.trim();
		return v === '*' || v.replace(/^W\//, '') === bare;
	});
}

export interface SendOptions {
	/** The request's Accept-Encoding; gzip is served, precompressed once, when it is accepted. */
	acceptEncoding?: string | null;
	status?: number;
	/** Seconds; 0 or undefined with noStore: not cached at all. */
	maxAge: number;
	noStore?: boolean;
	ifNoneMatch: string | null;
	extra?: Record<string, string>;
}

export function send(b: Body, o: SendOptions): Response {
	const status = o.status ?? 200;
	const bytes = (b.bytes ??= encoder.encode(b.body) as Uint8Array<ArrayBuffer>);
	const large = bytes.byteLength >= GZIP_MIN;
	const gzip = large && /\bgzip\b/.test(o.acceptEncoding ?? '');
	// Each representation has its own strong ETag (RFC 9110 §8.8.3).
	const etag = gzip ? `${b.etag.slice(0, -1)}-gz"` : b.etag;
	const headers: Record<string, string> = {
		...CORS_HEADERS,
		'content-type': b.contentType,
		'x-content-type-options': 'nosniff',
		'cache-control': o.noStore ? 'no-store' : `public, max-age=${o.maxAge}`,
		etag,
		...(large ? { vary: 'Accept-Encoding' } : {}),
		...o.extra
	};
	// 304 only for what would have been a 200: a cached 404 badge revalidates as a 404.
	if (!o.noStore && status === 200 && etagMatches(o.ifNoneMatch, etag)) {
		delete headers['content-type'];
		return new Response(null, { status: 304, headers });
	}
	if (gzip) {
		headers['content-encoding'] = 'gzip';
		return new Response((b.gzip ??= new Uint8Array(gzipSync(bytes, { level: 6 }))), { status, headers });
	}
	return new Response(bytes, { status, headers });
}
