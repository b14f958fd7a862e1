// Framing policy. Only the embed widget (/embed/{tag}) may be shown inside
// another site's frame; every other response forbids it (clickjacking on the
// admin pages, and no reason for the rest). The access policy
// (hooks/access.ts) marks the frameable route; hooks/security.ts sets the
// headers from it. The embed also takes its theme from ?theme= instead of the
// visitor's cookie, which a third-party frame would not send anyway.
import type { Handle } from '@sveltejs/kit';
import { routePolicy } from './access';

/** The <html> class for ?theme=: light, dark, or '' (follow the system). Bad values are the page's 400 to give. */
export function embedThemeClass(theme: string | null): string {
	return theme === 'light' || theme === 'dark' ? theme : '';
}

export const embedPolicy: Handle = async ({ event, resolve }) => {
	const embed = routePolicy(event.route.id).frameable === true;
	const cls = embedThemeClass(event.url.searchParams.get('theme'));
	// Runs before the cookie theme handle's transform (inner transforms run first), so it wins the placeholder.
	const response = await resolve(event, embed ? { transformPageChunk: ({ html }) => html.replace('%porthole.theme%', cls) } : undefined);
	// Framing headers (frame-ancestors, X-Frame-Options) are set in one place: hooks/security.ts.
	return response;
};
