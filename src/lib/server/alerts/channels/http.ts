// The HTTP POST every web channel type uses (webhook, Slack, Discord).
// node:http rather than fetch: fetch refuses the "bad ports" of browsers (25,
// 6667, …) that a receiver may well use. Redirects are never followed (an
// answer to fix, not to re-sign or re-send elsewhere). The timeout covers the
// whole exchange, connect to last byte.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The URL if it is http(s), else the error to log (nothing is sent). */
export function httpUrl(url: unknown, what: string): { url: URL } | { error: string } {
	let parsed: URL;
	try {
		parsed = new URL(String(url));
	} catch {
		return { error: `the ${what} URL is not a URL` };
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { error: `the ${what} URL is not http(s)` };
	return { url: parsed };
}

/** How much of an answer's body is kept for the error message (Slack says why in it, e.g. "no_service"). */
const KEEP = 200;
/** Read past KEEP so that a token echoed at the cut is still whole when redacted (URLs are at most 2000 characters). */
const READ = KEEP + 2100;

/**
 * The URL's path segments and query values (where Slack's and Discord's
 * tokens are) taken out of a receiver's answer: one that echoes the request
 * ("Cannot POST /services/T…/B…/token") must not put the token in the delivery
 * log, which read keys see, or in the server log.
 */
export function redactUrl(text: string, url: URL): string {
	const parts = new Set<string>();
	const add = (p: string) => {
		if (p.length < 6) return;
		parts.add(p);
		try {
			parts.add(decodeURIComponent(p));
		} catch {
			// Not percent-encoding: the raw form is enough.
		}
		parts.add(encodeURIComponent(p));
	};
	url.pathname.split('/').forEach(add);
	for (const [, v] of url.searchParams) add(v);
	let out = text;
	for (const p of [...parts].sort((a, b) => b.length - a.length)) out = out.split(p).join('…');
	return out;
}

export interface Answer {
	statusCode: number;
	/** The start of the answer's body (READ characters), whitespace collapsed. */
	body: string;
}

/** POSTs body and resolves with the status code and the start of the answer. */
export function post(url: URL, body: string, timeoutMs: number, headers: Record<string, string>): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
		const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
			let kept = '';
			// Read to the end so the socket is freed; only the start is kept.
			res.setEncoding('utf8');
			res.on('data', (c: string) => {
				if (kept.length < READ) kept += c.slice(0, READ - kept.length);
			});
			res.on('end', () => {
				clearTimeout(timer);
				resolve({ statusCode: res.statusCode ?? 0, body: kept.replace(/\s+/g, ' ').trim() });
			});
			res.on('error', fail);
		});
		const timer = setTimeout(() => {
			req.destroy();
			reject(new Error(`timed out after ${timeoutMs} ms`));
		}, timeoutMs);
		function fail(err: Error & { code?: string }) {
			clearTimeout(timer);
			reject(new Error(err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message));
		}
		req.on('error', fail);
		req.end(body);
	});
}

const ok = (code: number) => code >= 200 && code < 300;

/**
 * POSTs JSON to a chat service (Slack, Discord) and words any failure with
 * the service's name and its own reason: "Slack answered 404: no_service".
 */
export async function postJson(
	service: string,
	rawUrl: unknown,
	payload: unknown,
	timeoutMs: number,
	headers: Record<string, string> = {}
) {
	const u = httpUrl(rawUrl, service);
	if ('error' in u) return { statusCode: null, error: u.error, delivered: false };
	try {
		const a = await post(u.url, JSON.stringify(payload), timeoutMs, {
			'content-type': 'application/json',
			'user-agent': 'Porthole-Alerts/1',
			...headers
		});
		if (ok(a.statusCode)) return { statusCode: a.statusCode, error: null, delivered: true };
		const body = redactUrl(a.body, u.url).slice(0, KEEP);
		const why = a.statusCode >= 300 && a.statusCode < 400 ? ' (redirects are not followed)' : body ? `: ${body}` : '';
		return { statusCode: a.statusCode, error: `${service} answered ${a.statusCode}${why}`, delivered: false };
	} catch (err) {
		return { statusCode: null, error: `${service}: ${err instanceof Error ? err.message : String(err)}`, delivered: false };
	}
}

export { ok as isSuccess };
