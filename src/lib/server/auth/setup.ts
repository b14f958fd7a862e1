// The first admin. With no admin in the database, start-up either creates one
// from ADMIN_EMAIL + ADMIN_PASSWORD (unattended), or prints a one-time setup
// link to the log. The link's token is stored hashed, works once, and only
// while no admin exists: the first visitor to the site never becomes owner.
import type { Db } from '../db/index';
import { claimSetupToken, releaseSetupToken, replaceSetupToken, unusedSetupToken } from '../db/queries/setup-tokens';
import type { Logger } from '../log';
import { countAdmins } from '../db/queries/admins';
import { createAdmin, type FieldErrors } from './admins';
import { randomToken, sha256 } from './crypto';
import { pruneSessions } from './sessions';

export const SETUP_PATH = '/admin/setup/';

/** A fresh setup token; earlier unused ones stop working. */
export async function createSetupToken(db: Db): Promise<string> {
	const token = randomToken();
	await replaceSetupToken(db, sha256(token));
	return token;
}

/** Whether a setup token can still be used (unused, and no admin exists yet). */
export async function setupTokenUsable(db: Db, token: string): Promise<boolean> {
	if (!token || token.length > 200) return false;
	return (await unusedSetupToken(db, sha256(token))) && (await countAdmins(db)) === 0;
}

export type SetupResult = { ok: true; adminId: number } | { ok: false; gone: true } | { ok: false; gone: false; errors: FieldErrors };

/** Uses the token to create the first admin. The token is spent only when the admin is created. */
export async function completeSetup(
	db: Db,
	token: string,
	input: { email: string; name?: string; password: string; confirm: string }
): Promise<SetupResult> {
	if (!(await setupTokenUsable(db, token))) return { ok: false, gone: true };
	if (input.password !== input.confirm) return { ok: false, gone: false, errors: { confirm: 'The two passwords differ' } };
	// Claim the token first: of two racing submissions only one gets the row.
	if (!(await claimSetupToken(db, sha256(token)))) return { ok: false, gone: true };
	const r = await createAdmin(db, input);
	if (!r.ok) {
		// Not created: give the token back so the admin can correct the form.
		await releaseSetupToken(db, sha256(token));
		return { ok: false, gone: false, errors: r.errors };
	}
	return { ok: true, adminId: r.id };
}

export interface FirstAdminOptions {
	adminEmail?: string;
	adminPassword?: string;
	/** Where the site is reached, for the printed link (e.g. https://status.example.org). */
	origin?: string;
	/** Without an origin, the link points at localhost on the port the server listens on. */
	listen?: { port: number };
}

/** Run at start: makes sure there is a way in. Returns the setup link when one was printed. */
export async function ensureFirstAdmin(db: Db, opts: FirstAdminOptions, log: Logger): Promise<string | null> {
	if ((await countAdmins(db)) > 0) return null;
	if (opts.adminEmail && opts.adminPassword) {
		const r = await createAdmin(db, { email: opts.adminEmail, password: opts.adminPassword });
		if (!r.ok) throw new Error(`ADMIN_EMAIL/ADMIN_PASSWORD: ${Object.values(r.errors).join('; ')}`);
		log.info(`created the first admin ${opts.adminEmail.trim().toLowerCase()} from ADMIN_EMAIL`);
		return null;
	}
	const token = await createSetupToken(db);
	const link = `${(opts.origin ?? `http://localhost:${opts.listen?.port ?? 3000}`).replace(/\/$/, '')}${SETUP_PATH}${token}`;
	log.warn(`no admin yet: create the first one with this one-time link: ${link}`);
	return link;
}

/** Start-up: drop expired sessions, then make sure there is a way in. */
export async function initAuth(db: Db, opts: FirstAdminOptions, log: Logger): Promise<string | null> {
	await pruneSessions(db);
	return ensureFirstAdmin(db, opts, log);
}
