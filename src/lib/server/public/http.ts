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

/**
 * A response as plain data. The SvelteKit routes turn it into a Response
 * (toResponse); server.js's fast path writes it to the socket as it is. Both
 * then add the same security headers (hooks/security.ts).
 */
export interface Plain {
	status: number;
	headers: Record<string, string>;
	body: Uint8Array<ArrayBuffer> | null;
}

export function toResponse(p: Plain): Response {
	return new Response(p.body, { status: p.status, headers: p.headers });
}

export interface PrepareOptions {
	/** The request's Accept-Encoding; gzip is served, precompressed once, when it is accepted. */
	acceptEncoding?: string | null;
	status?: number;
	/** Seconds; 0 or undefined with noStore: not cached at all. */
	maxAge: number;
	noStore?: boolean;
	extra?: Record<string, string>;
}

export interface SendOptions extends PrepareOptions {
	ifNoneMatch: string | null;
}

/**
 * One representation of a body, ready to send: the full answer, and (for a
 * cacheable 200) its 304 twin. Everything but the If-None-Match comparison is
 * done here, so a representation kept per snapshot (public/cache.ts) answers
 * a request without rebuilding headers.
 */
export interface Prepared {
	full: Plain;
	etag: string;
	/** Present when a matching If-None-Match may be answered with 304. */
	notModified: Plain | null;
}

export function prepare(b: Body, o: PrepareOptions): Prepared {
	const status = o.status ?? 200;
	const bytes = (b.bytes ??= encoder.encode(b.body) as Uint8Array<ArrayBuffer>);
	const large = bytes.byteLength >= GZIP_MIN;
	const gzip = large && acceptsGzip(o.acceptEncoding);
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
	let notModified: Plain | null = null;
	if (!o.noStore && status === 200) {
		const h = { ...headers };
		delete h['content-type'];
		notModified = { status: 304, headers: h, body: null };
	}
	if (gzip) {
		headers['content-encoding'] = 'gzip';
		return { etag, notModified, full: { status, headers, body: (b.gzip ??= new Uint8Array(gzipSync(bytes, { level: 6 }))) } };
	}
	return { etag, notModified, full: { status, headers, body: bytes } };
}

/** The answer to one request: the 304 twin when If-None-Match lists the ETag, else the full representation. */
export function answer(p: Prepared, ifNoneMatch: string | null): Plain {
	return p.notModified && etagMatches(ifNoneMatch, p.etag) ? p.notModified : p.full;
}

export function acceptsGzip(acceptEncoding: string | null | undefined): boolean {
	return !!acceptEncoding && /\bgzip\b/.test(acceptEncoding);
}

export function reply(b: Body, o: SendOptions): Plain {
	return answer(prepare(b, o), o.ifNoneMatch);
}

export function send(b: Body, o: SendOptions): Response {
	return toResponse(reply(b, o));
}
