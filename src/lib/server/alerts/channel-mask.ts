// Secrets of a channel are never shown back in full: the webhook secret, the
// SMTP password, and URLs that carry a token (Slack, Discord, and any webhook
// URL, which may). What is shown keeps the last 4 characters, so an operator
// can tell two apart. On an update, a value equal to the mask of the stored
// one (the admin form shows the mask; a client PATCHes what it read) keeps the
// stored secret instead of overwriting it with the mask.
import type { ChannelConfig } from '../alert-types';
import type { FieldError } from '../monitors/validate';
import type { ChannelDraft } from './channel-validate';

const tail = (s: string) => (s.length > 8 ? s.slice(-4) : '');

/** "…abcd": too short to be taken for a secret (those have at least 16 characters). */
export const maskSecret = (s: string) => `…${tail(s)}`;

/** Scheme and host kept (no user or password), path and query masked: `https://hooks.slack.com/…XXXX`. */
export function maskUrl(s: string): string {
	try {
		const u = new URL(s);
		const rest = u.pathname + u.search + u.hash;
		return `${u.protocol}//${u.host}/…${rest.length > 8 ? rest.slice(-4) : ''}`;
	} catch {
		return maskSecret(s);
	}
}

export function maskConfig(c: ChannelConfig): ChannelConfig['config'] {
	switch (c.type) {
		case 'webhook':
			return { url: maskUrl(c.config.url), secret: maskSecret(c.config.secret) };
		case 'slack':
		case 'discord':
			return { url: maskUrl(c.config.url) };
		case 'email':
			return { ...c.config, password: c.config.password === null ? null : maskSecret(c.config.password) };
	}
}

// In order: a URL is put back before the secret bound to it is judged.
const SECRET_FIELDS = { webhook: ['url', 'secret'], slack: ['url'], discord: ['url'], email: ['password'] } as const;

/**
 * Where each secret goes: it is put back only while that field is unchanged.
 * Otherwise a key that may change the destination but not read the secret
 * could point the channel elsewhere and have the secret sent there (the SMTP
 * password in AUTH, messages signed with the webhook's secret).
 */
const BOUND_TO: Partial<Record<string, string>> = { secret: 'url', password: 'host' };

const same = (a: unknown, b: unknown) =>
	typeof a === 'string' && typeof b === 'string' ? a.trim().toLowerCase() === b.trim().toLowerCase() : a === b;

/**
 * The raw spec (before validation: a mask would fail it) with each secret
 * given as the stored one's mask, or left out, put back to the stored value,
 * as long as the destination it belongs to is unchanged. Only for the same
 * type: a channel changing type takes its new fields as given.
 */
export function unmask(input: Record<string, unknown>, stored: ChannelConfig | null): Record<string, unknown> {
	if (!stored || input.type !== stored.type) return input;
	const out = { ...input };
	const masked = maskConfig(stored) as unknown as Record<string, unknown>;
	const real = stored.config as unknown as Record<string, unknown>;
	for (const f of SECRET_FIELDS[stored.type]) {
		if (real[f] === null || real[f] === undefined) continue;
		const to = BOUND_TO[f];
		if (to && !same(out[to], real[to])) continue;
		if (out[f] === undefined || out[f] === masked[f]) out[f] = real[f];
	}
	return out;
}

/** The shape of maskSecret's and maskUrl's output: "…abcd", "https://host/…abcd". */
const MASKED = /^(https?:\/\/[^/]*\/)?…[^…]{0,4}$/su;

/**
 * Secret fields (after unmask) still holding a mask: a value copied from
 * another channel's read, or mistyped. Stored, it would be taken for the URL
 * or password itself and every alert would fail; refused instead.
 */
export function maskedLeft(input: Record<string, unknown>): FieldError[] {
	const type = input.type;
	const fields: readonly string[] =
		typeof type === 'string' && Object.hasOwn(SECRET_FIELDS, type) ? SECRET_FIELDS[type as keyof typeof SECRET_FIELDS] : [];
	return fields
		.filter((f) => typeof input[f] === 'string' && MASKED.test(input[f] as string))
		.map((f) => ({
			path: f,
			message: `is a masked value (${JSON.stringify(input[f])}), not this channel's own: send the full ${f === 'url' ? 'URL' : f} (a mask is kept only when sent back unchanged to the channel it came from)`
		}));
}

/** Whether the draft still needs a webhook secret. */
export const missingSecret = (d: ChannelDraft): boolean => d.type === 'webhook' && !(d.config as { secret?: string }).secret;
