// Markdown of incident updates, maintenance descriptions and postmortems,
// rendered on the server so no script can come from an update: raw HTML is
// off (a <script> in the body is shown as text), links keep to http(s),
// mailto and this site's own paths, and every link gets rel="nofollow
// noopener" (an update's links are not the site vouching for them). Links
// open in the same tab. Images are off: a status update is text, and an image
// would be fetched from a third party by every visitor.
import MarkdownIt from 'markdown-it';
import type { FieldError, Validated } from '../monitors/validate';

/** Largest body accepted, in UTF-8 bytes. Longer bodies are refused by validation, never cut. */
export const MAX_MARKDOWN_BYTES = 64 * 1024;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
md.disable('image');

// markdown-it's own check only refuses javascript:, vbscript:, file: and
// non-image data: URLs; this one allows what an update needs and nothing else.
const SAFE_LINK = /^(https?:|mailto:|\/(?!\/)|#)/i;
md.validateLink = (url: string) => SAFE_LINK.test(url.trim()) || /^\/\/[^/]/.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
	tokens[idx].attrSet('rel', 'nofollow noopener');
	return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The body as HTML, safe to put in a page as it is. */
export function renderMarkdown(body: string): string {
	return md.render(body);
}

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
