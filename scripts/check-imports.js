// Fails when two folders of src/ import each other, directly or round a loop
// (ARCHITECTURE.md, Layers).
// A cycle between files of one folder is that folder's own business; between
// folders it means neither can be understood, tested or moved without the
// other. Tests are left out: a test may reach wherever it needs to.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');
const lib = join(src, 'lib');

function walk(dir, out = []) {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) walk(p, out);
		else if (
			/\.(ts|js|svelte)$/.test(name) &&
			!/\.(test|fixtures)\.ts$|\.d\.ts$/.test(name) &&
			!name.startsWith('testing') &&
			!name.startsWith('test-')
		)
			out.push(p);
	}
	return out;
}

const EXTS = ['', '.ts', '.js', '.svelte', '/index.ts', '/index.js'];
function resolveImport(from, spec) {
	let base;
	if (spec.startsWith('$lib/') || spec === '$lib') base = join(lib, spec.slice(4));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	else return null;
	for (const e of EXTS) {
		const p = base + e;
		if (existsSync(p) && statSync(p).isFile()) return p;
	}
	return null;
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
// A file directly in lib/server (app.ts, the composition root; log.ts, types.ts,
// small leaves) is a unit of its own: the folder holds no single concern.
const server = join(lib, 'server');
const folder = (file) => (dirname(file) === server ? relative(src, file) : relative(src, dirname(file)) || '.');

const edges = new Map();
for (const file of walk(src)) {
	const text = readFileSync(file, 'utf8');
	for (const m of text.matchAll(IMPORT)) {
		const target = resolveImport(file, m[1] ?? m[2] ?? m[3]);
		if (!target) continue;
		const a = folder(file);
		const b = folder(target);
		if (a === b) continue;
		if (!edges.has(a)) edges.set(a, new Map());
		const why = edges.get(a);
		if (!why.has(b)) why.set(b, `${relative(root, file)} -> ${relative(root, target)}`);
	}
}

// Tarjan's strongly connected components over folders.
const index = new Map(),
	low = new Map(),
	stack = [],
	onStack = new Set(),
	sccs = [];
let i = 0;
function visit(v) {
	index.set(v, i);
	low.set(v, i);
	i++;
	stack.push(v);
	onStack.add(v);
	for (const w of edges.get(v)?.keys() ?? []) {
		if (!index.has(w)) {
			visit(w);
			low.set(v, Math.min(low.get(v), low.get(w)));
		} else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
	}
	if (low.get(v) === index.get(v)) {
		const c = [];
		let w;
		do {
			w = stack.pop();
			onStack.delete(w);
			c.push(w);
		} while (w !== v);
		if (c.length > 1) sccs.push(c);
	}
}
for (const v of edges.keys()) if (!index.has(v)) visit(v);

if (sccs.length) {
	console.error(`import cycles between folders (${sccs.length}):`);
	for (const c of sccs) {
		console.error(`  ${c.sort().join(' <-> ')}`);
		for (const a of c) for (const [b, why] of edges.get(a) ?? []) if (c.includes(b)) console.error(`    ${why}`);
	}
	process.exit(1);
}
console.log(`no import cycles between ${new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]).size} folders`);
