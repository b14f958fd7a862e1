// Markdown of incident updates, maintenance descriptions and postmortems:
// checked here before it is saved; rendered by $lib/markdown (one
// configuration for the server's pages and the admin's live preview, raw HTML
// off, links limited), re-exported so server code keeps one import.
import type { FieldError, Validated } from '../monitors/validate';

export { renderMarkdown } from '$lib/markdown';

/** Largest body accepted, in UTF-8 bytes. Longer bodies are refused by validation, never cut. */
export const MAX_MARKDOWN_BYTES = 64 * 1024;

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

/**
 * Checks a Markdown body before it is saved: a string, not empty unless
 * `optional`, at most MAX_MARKDOWN_BYTES, no NUL (PostgreSQL text cannot hold
 * it). Errors name `field`.
 */
export function validateMarkdown(body: unknown, field = 'body', optional = false): Validated<string> {
	const fail = (message: string): Validated<string> => ({ ok: false, errors: [{ path: field, message } satisfies FieldError] });
	if (typeof body !== 'string') return body == null && optional ? { ok: true, value: '' } : fail('must be Markdown text');
	const bytes = Buffer.byteLength(body, 'utf8');
	if (bytes > MAX_MARKDOWN_BYTES) return fail(`must be at most ${size(MAX_MARKDOWN_BYTES)} of Markdown, got ${size(bytes)}`);
	if (body.includes('\u0000')) return fail('must not contain NUL characters (\\u0000)');
	if (!optional && body.trim() === '') return fail('must not be empty');
	return { ok: true, value: body };
}
