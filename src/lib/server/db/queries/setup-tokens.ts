// One-time setup tokens (setup_tokens), by the SHA-256 of the token (auth/setup.ts).
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../index';
import { setupTokens } from '../schema';

/** Stores a new token; earlier unused ones are deleted in the same transaction. */
export async function replaceSetupToken(db: Db, tokenHash: string): Promise<void> {
	await db.transaction(async (tx) => {
		await tx.delete(setupTokens).where(isNull(setupTokens.usedAt));
		await tx.insert(setupTokens).values({ tokenHash });
	});
}

/** Whether an unused token with this hash exists. */
export async function unusedSetupToken(db: Db, tokenHash: string): Promise<boolean> {
	const [row] = await db
		.select()
		.from(setupTokens)
		.where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt)))
		.limit(1);
	return !!row;
}

/** Marks the token used if it is not yet: of two racing callers only one gets true. */
export async function claimSetupToken(db: Db, tokenHash: string): Promise<boolean> {
	const claimed = await db
		.update(setupTokens)
		.set({ usedAt: new Date() })
		.where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt)))
		.returning({ t: setupTokens.tokenHash });
	return claimed.length > 0;
}

/** Makes a claimed token usable again. */
export async function releaseSetupToken(db: Db, tokenHash: string): Promise<void> {
	await db.update(setupTokens).set({ usedAt: null }).where(eq(setupTokens.tokenHash, tokenHash));
}
