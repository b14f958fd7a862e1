// Copy-paste code for one monitor: Markdown and HTML badges, the shields.io
// endpoint form, and the iframe. Pure: URLs from the site origin and the tag.

export interface Snippets {
	tag: string;
	urls: { status: string; uptime: string; latency: string; dot: string; embed: string; shields: string; page: string };
	markdown: string;
	html: string;
	iframe: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
/** Markdown link text and image alt: brackets and backslashes would end or bend them. */
const escapeMd = (s: string) => s.replace(/[\\[\]]/g, (c) => `\\${c}`);

export function snippets(origin: string, tag: string, name: string): Snippets {
	const t = encodeURIComponent(tag);
	const urls = {
		status: `${origin}/badge/${t}/status.svg`,
		uptime: `${origin}/badge/${t}/uptime.svg?window=30d`,
		latency: `${origin}/badge/${t}/latency.svg?window=24h`,
		dot: `${origin}/badge/${t}/dot.svg`,
		embed: `${origin}/embed/${t}`,
		shields: `https://img.shields.io/endpoint?url=${encodeURIComponent(`${origin}/badge/${t}/status.json`)}`,
		page: `${origin}/monitors/${t}`
	};
	const alt = `${name} status`;
	return {
		tag,
		urls,
		markdown: `[![${escapeMd(alt)}](${urls.status})](${urls.page})`,
		html: `<a href="${escapeHtml(urls.page)}"><img src="${escapeHtml(urls.status)}" alt="${escapeHtml(alt)}"></a>`,
		iframe: `<iframe src="${escapeHtml(urls.embed)}" title="${escapeHtml(alt)}" width="100%" height="96" style="border:0;max-width:480px" loading="lazy"></iframe>`
	};
}
