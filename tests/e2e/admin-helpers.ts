// Shared by the admin e2e files: the account, the setup link the server
// printed, and a sign-in that works whether or not the journey ran first.
import { expect as baseExpect, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The machine is shared and the first request after a build starts workers
// (probe, eval) and loads the CodeMirror chunk cold: allow 10 s per step.
export const expect = baseExpect.configure({ timeout: 10_000 });

export const PORT = Number(process.env.E2E_PORT ?? 4173);
export const BASE = `http://127.0.0.1:${PORT}`;
export const EMAIL = 'owner@porthole.test';
export const PASSWORD = 'a long enough passphrase';

/** The one-time link from the server log (scripts/e2e-server.js copies that log line into this file). */
export async function setupLink(): Promise<string> {
	const file = join(tmpdir(), `porthole-e2e-${PORT}-setup-link.txt`);
	await expect.poll(() => existsSync(file), { timeout: 20_000 }).toBe(true);
	return readFileSync(file, 'utf8').trim();
}

export async function signIn(page: Page) {
	// Type only after hydration: hydrating a bound input resets what was typed before it.
	await page.goto('/admin/login', { waitUntil: 'networkidle' });
	if (await page.getByTestId('no-admin').isVisible()) {
		// Run alone (no journey before): create the admin through the link first.
		await page.goto(new URL(await setupLink()).pathname, { waitUntil: 'networkidle' });
		await page.getByLabel('Email').fill(EMAIL);
		await page.getByLabel(/^Password/).fill(PASSWORD);
		await page.getByLabel('Repeat password').fill(PASSWORD);
		await page.getByRole('button', { name: /Create admin/ }).click();
	} else {
		await page.getByLabel('Email').fill(EMAIL);
		await page.getByLabel('Password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
	}
	await expect(page).toHaveURL(/\/admin\/monitors$/);
}
