// Token and password primitives. Tokens are 32 random bytes (base64url); the
// database only ever sees their SHA-256, so a leaked table opens nothing.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** A fresh random token: 256 bits, URL-safe. */
export function randomToken(bytes = 32): string {
	return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
	return createHash('sha256').update(value).digest('hex');
}

// argon2id (Algorithm.Argon2id = 2; a const enum, which isolatedModules cannot
// import) with OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane.
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
	try {
		return await verify(phc, password);
	} catch {
		return false;
	}
}

let dummy: Promise<string> | undefined;
/**
 * Burns the same time as a real verification, so a sign-in for an unknown
 * email takes as long as one with a wrong password (no existence leak by timing).
 */
export async function verifyDummy(password: string): Promise<false> {
	dummy ??= hashPassword(randomToken());
	await verifyPassword(await dummy, password);
	return false;
}

/** A password rule message, or null when acceptable. */
export function passwordProblem(password: string): string | null {
	if (password.length < MIN_PASSWORD) return `must be at least ${MIN_PASSWORD} characters`;
	if (password.length > MAX_PASSWORD) return `must be at most ${MAX_PASSWORD} characters`;
	return null;
}
