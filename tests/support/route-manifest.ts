// The app's routes as SvelteKit sees them, read from src/routes (never a
// hand-written list): each route id with the methods its +server.ts exports
// and the form actions its +page.server.ts declares. The access policy's unit
// test and the e2e guard walks use it, so a route added later is covered
// without anyone remembering.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { BADGE_FILES } from '../../src/lib/badge-files';

export const ROUTES_DIR = join(process.cwd(), 'src', 'routes');

export interface RouteEntry {
	/** As event.route.id: '/admin/monitors/[tag]/edit', '/' for the root. */
	id: string;
	/** Has a page (+page.svelte, +page.ts or +page.server.ts). */
	page: boolean;
	/** Methods a +server.ts exports. */
	methods: string[];
	/** Form actions of a +page.server.ts ('default' for the default one). */
	actions: string[];
}

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((f) => {
		const p = join(dir, f);
		return statSync(p).isDirectory() ? walk(p) : [p];
	});
}

export function routeManifest(): RouteEntry[] {
	const byId = new Map<string, RouteEntry>();
	for (const file of walk(ROUTES_DIR)) {
		const name = file.split(sep).at(-1)!;
		if (!/^\+(page|page\.server|server)\.(ts|js|svelte)$/.test(name)) continue;
		const dir = relative(ROUTES_DIR, file).split(sep).slice(0, -1);
		const id = '/' + dir.join('/');
		const entry = byId.get(id) ?? { id, page: false, methods: [], actions: [] };
		byId.set(id, entry);
		const src = name.endsWith('.svelte') ? '' : readFileSync(file, 'utf8');
		if (name.startsWith('+server')) {
			for (const m of src.matchAll(/export (?:const|async function|function) (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|fallback)\b/g))
				entry.methods.push(m[1]);
		} else {
			entry.page = true;
			const block = /export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/.exec(src)?.[1] ?? '';
			entry.actions.push(...[...block.matchAll(/^\t(\w+):/gm)].map((m) => m[1]));
		}
	}
	return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Every value a param matcher (src/params) admits, for the matchers whose
 * values can be listed. A route using a matcher not listed here fails loudly:
 * a URL with 'x' would test the 404, not the route.
 */
const MATCHER_VALUES: Record<string, readonly string[]> = {
	badge: Object.keys(BADGE_FILES)
};

const PARAM = /^\[(?:\.\.\.)?(\w+)(?:=(\w+))?\]$/;

/** URLs for a route id, groups dropped: one per value of each matcher param (every badge file), other params from `params` (or 'x'). */
export function routeUrls(id: string, params: Record<string, string> = {}): string[] {
	let urls = [''];
	for (const d of id.split('/').filter((d) => d && !/^\(.*\)$/.test(d))) {
		const p = PARAM.exec(d);
		let values = [d];
		if (p && p[2]) {
			const listed = MATCHER_VALUES[p[2]];
			if (!listed) throw new Error(`route-manifest: list the values of the param matcher '${p[2]}' (${id})`);
			values = params[p[1]] !== undefined ? [params[p[1]]] : [...listed];
		} else if (p) values = [params[p[1]] ?? 'x'];
		urls = urls.flatMap((u) => values.map((v) => `${u}/${v}`));
	}
	return urls.map((u) => u || '/');
}

/** A URL for a route id: the first of routeUrls. */
export function routeUrl(id: string, params: Record<string, string> = {}): string {
	return routeUrls(id, params)[0];
}
