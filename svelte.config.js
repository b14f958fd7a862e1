import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// Pages' Content-Security-Policy. 'auto' gives SvelteKit's inline bootstrap
		// script a nonce (or a hash when prerendered), so scripts never need
		// 'unsafe-inline' or 'unsafe-eval'. Styles keep 'unsafe-inline': Svelte's
		// style attributes and CodeMirror's injected theme styles. frame-ancestors
		// is per route (the embed may be framed) and set in hooks/security.ts.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		},
		// CSRF origin check stays on (the default); nothing here relaxes it.
		experimental: {}
	}
};

export default config;
