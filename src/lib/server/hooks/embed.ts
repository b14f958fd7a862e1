// Framing policy. Only the embed widget (/embed/{tag}) may be shown inside
// another site's frame; every other response forbids it (clickjacking on the
// admin pages, and no reason for the rest), with CSP frame-ancestors for
// current browsers and X-Frame-Options for old ones. The embed also takes its
// theme from ?theme= instead of the visitor's cookie, which a third-party
// frame would not send anyway.
import type { Handle } from '@sveltejs/kit';

const EMBED = /^\/embed\/[^/]+\/?$/;

export function isEmbedPath(pathname: string): boolean {
	return EMBED.test(pathname);
}

/** The <html> class for ?theme=: light, dark, or '' (follow the system). Bad values are the page's 400 to give. */
export function embedThemeClass(theme: string | null): string {
	return theme === 'light' || theme === 'dark' ? theme : '';
}

export const embedPolicy: Handle = async ({ event, resolve }) => {
	const embed = isEmbedPath(event.url.pathname);
	const cls = embedThemeClass(event.url.searchParams.get('theme'));
	// Runs before the cookie theme handle's transform (inner transforms run first), so it wins the placeholder.
	const response = await resolve(
		event,
		embed ? { transformPageChunk: ({ html }) => html.replace('%porthole.theme%', cls) } : undefined
	);
	if (embed) return response;
	const csp = response.headers.get('content-security-policy');
	const value = csp ? `${csp}; frame-ancestors 'none'` : "frame-ancestors 'none'";
	try {
		response.headers.set('content-security-policy', value);
		response.headers.set('x-frame-options', 'DENY');
		return response;
	} catch {
		// Some responses (redirects, fetched ones) have immutable headers: copy them.
		const headers = new Headers(response.headers);
		headers.set('content-security-policy', value);
		headers.set('x-frame-options', 'DENY');
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	}
};
