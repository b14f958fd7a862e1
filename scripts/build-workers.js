// Compiles the code that runs outside SvelteKit's bundle with esbuild:
//
//   build/workers/probe-worker.js  the probe worker thread (src/lib/server/probe/worker.ts)
//   build/workers/eval-worker.js   the eval worker thread (src/lib/server/eval/worker.ts)
//   build/worker.js                `npm run worker`, the standalone probe loop (src/worker.ts)
//
// Worker threads are plain Node: they cannot load TypeScript or `$lib`, and a
// worker file referenced with `new URL('./w.js', import.meta.url)` is dropped
// from the adapter-node build. So each entry is bundled (its TypeScript
// imports inlined) with node_modules left outside, resolved at run time from
// the image's node_modules (the QuickJS packages find their .wasm there), and
// started by package self-reference: package.json "exports" maps
// "porthole/probe-worker" and "porthole/eval-worker" to these files
// (src/lib/server/worker-url.ts).
//
// Who runs it: vite.config.ts (after `vite build`'s adapter has written
// build/, and when `vite dev` starts and a server file changes),
// tests/global-setup.ts (before any test starts a worker), and by hand:
// `node scripts/build-workers.js [--workers-only]`.
import { build } from 'esbuild';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Output (relative to build/) -> entry (relative to the repository). */
export const WORKER_ENTRIES = {
	'workers/probe-worker.js': 'src/lib/server/probe/worker.ts',
	'workers/eval-worker.js': 'src/lib/server/eval/worker.ts'
};
export const STANDALONE_ENTRY = { 'worker.js': 'src/worker.ts' };

/**
 * Bundles the worker threads (and, unless `workersOnly`, the standalone probe
 * loop) into `outDir` (default build/). Each file is written under a temporary
 * name and renamed, so a worker starting meanwhile never reads half a file.
 * @param {{ outDir?: string, workersOnly?: boolean }} [opts]
 * @returns {Promise<string[]>} the files written
 */
export async function buildWorkers({ outDir = join(ROOT, 'build'), workersOnly = false } = {}) {
	const entries = workersOnly ? WORKER_ENTRIES : { ...WORKER_ENTRIES, ...STANDALONE_ENTRY };
	/** @type {string[]} */
	const written = [];
	await Promise.all(
		Object.entries(entries).map(async ([out, entry]) => {
			const result = await build({
				absWorkingDir: ROOT,
				entryPoints: [join(ROOT, entry)],
				bundle: true,
				platform: 'node',
				format: 'esm',
				target: 'node20.19',
				// Everything from node_modules stays an import, resolved at run time.
				packages: 'external',
				alias: { $lib: join(ROOT, 'src/lib') },
				logLevel: 'warning',
				write: false
			});
			const file = join(outDir, out);
			await mkdir(dirname(file), { recursive: true });
			const tmp = `${file}.${process.pid}.tmp`;
			await writeFile(tmp, result.outputFiles[0].contents);
			await rename(tmp, file);
			written.push(file);
		})
	);
	return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	const files = await buildWorkers({ workersOnly: process.argv.includes('--workers-only') });
	for (const f of files.sort()) console.log(`built ${f.slice(ROOT.length + 1)}`);
}
