// The SvelteKit side of the public reads' hot path (badges, Statuspage JSON):
// embedded in READMEs and polled by widgets, they take most of the traffic.
// Of the handles in hooks.server.ts only two concern them: the security
// headers and the rate limit. The others do nothing for them (theme and embed
// transform pages; noStoreApi only fills in a cache-control these routes
// always set; the admin guard lets public GETs through), yet each costs a
// SvelteKit sequence step per request. Under server.js most of these reads
// never reach SvelteKit (public/fast.ts); this keeps the rest, and `node
// build`, from paying for handles that do nothing. Which requests take this
// way is the access policy's isPublicRead (hooks/access.ts).
import type { Handle } from '@sveltejs/kit';
import { rateLimit } from './ratelimit';
import { securityHeadersHandle } from './security';

/** Security headers outermost, as in the full sequence, then the rate limit, then the route. */
export const publicReadHandle: Handle = ({ event, resolve }) =>
	securityHeadersHandle({ event, resolve: (e) => rateLimit({ event: e, resolve }) });
