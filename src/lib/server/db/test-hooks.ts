// The usual life of a test database in a describe block: opened once, emptied
// before each test, destroyed at the end. `beforeReset` runs before each
// emptying and before the end (stop a snapshot or a loop that reads it).
// Apart from testing.ts so that benches can use that without vitest.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openTestDatabase, truncateAll, type Driver, type TestDatabase } from './testing';

export function useTestDatabase(driver: Driver, set: (t: TestDatabase) => void, opts: { beforeReset?: () => void } = {}): void {
	let t: TestDatabase | undefined;
	beforeAll(async () => {
		t = await openTestDatabase(driver);
		set(t);
	});
	afterAll(async () => {
		opts.beforeReset?.();
		await t?.destroy();
	});
	beforeEach(async () => {
		opts.beforeReset?.();
		await truncateAll(t!);
	});
}
