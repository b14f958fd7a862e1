// See https://svelte.dev/docs/kit/types#app.d.ts
import type { App as Porthole } from '$lib/server/app';

declare global {
	namespace App {
		// interface Error {}
		interface Locals {
			/** The running Porthole (config, database, snapshot, probe loop), built once in hooks.server.ts init. */
			app: Porthole;
			/** Set by the admin guard (src/lib/server/hooks/admin-guard.ts) from the session cookie. */
			admin: { id: number; email: string; name: string } | null;
			/** The raw session token, for sign-out and "end other sessions". */
			sessionToken: string | null;
			/** The API key used for this /api request, if any (its name is what an incident update records as author). */
			apiKey: { id: number; name: string; scope: 'read' | 'write' } | null;
		}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}
}

export {};
