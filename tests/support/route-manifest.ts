// The app's routes as SvelteKit sees them, read from src/routes (never a
// hand-written list): each route id with the methods its +server.ts exports
// and the form actions its +page.server.ts declares. The access policy's unit
// test and the e2e guard walks use it, so a route added later is covered
// without anyone remembering.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

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
			for (const m of src.matchAll(/export (?:const|async function|function) (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|fallback)\b/g)) entry.methods.push(m[1]);
		} else {
			entry.page = true;
			const block = /export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/.exec(src)?.[1] ?? '';
			entry.actions.push(...[...block.matchAll(/^\t(\w+):/gm)].map((m) => m[1]));
		}
	}
	return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** A URL for a route id: groups dropped, params filled from `params` (or 'x'). */
export function routeUrl(id: string, params: Record<string, string> = {}): string {
	const parts = id
		.split('/')
		.filter((d) => d && !/^\(.*\)$/.test(d))
		.map((d) => d.replace(/^\[(?:\.\.\.)?(\w+)(?:=\w+)?\]$/, (_, n: string) => params[n] ?? 'x'));
	return '/' + parts.join('/');
}
