// Markdown of incident updates, maintenance descriptions and postmortems: the
// one configuration, shared by the server (the pages visitors read) and the
// admin's live preview in the browser, so the preview shows exactly what will
// be published. Raw HTML is off (a <script> in the body is shown as text),
// links keep to http(s), mailto and this site's own paths, and every link gets
// rel="nofollow noopener" (an update's links are not the site vouching for
// them). Links open in the same tab. Images are off: a status update is text,
// and an image would be fetched from a third party by every visitor.
// Validation (size, NUL) stays on the server: lib/server/incidents/markdown.ts.
import MarkdownIt from 'markdown-it';

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
