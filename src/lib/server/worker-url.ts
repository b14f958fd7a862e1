import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The file URL of one of this package's own exports ("porthole/probe-worker",
 * "porthole/eval-worker": the worker threads, compiled from TypeScript into
 * build/workers by scripts/build-workers.js). Worker files are started by
 * package self-reference because a `new URL('./w.js', import.meta.url)` worker
 * is dropped from the adapter-node build (SvelteKit #10113).
 *
 * 1. `import.meta.resolve`: plain Node ESM, the `node build` output, and Vite's
 *    module runner (vite dev SSR, Vitest) where it provides one;
 * 2. otherwise CommonJS resolution of the same specifier from this file
 *    (package self-reference honours "exports" there too).
 * Both find the nearest package.json named "porthole" above this file, so the
 * tree (or image) must carry package.json and build/workers.
 */
export function resolvePackageExport(specifier: string): URL {
	const failures: string[] = [];
	try {
		if (typeof import.meta.resolve === 'function') return new URL(import.meta.resolve(specifier));
		failures.push('import.meta.resolve: not available');
	} catch (err) {
		failures.push(`import.meta.resolve: ${(err as Error).message}`);
	}
	try {
		return pathToFileURL(createRequire(import.meta.url).resolve(specifier));
	} catch (err) {
		failures.push(`require.resolve: ${(err as Error).message}`);
	}
	throw new Error(`cannot resolve ${specifier}: ${failures.join('; ')}`);
}
