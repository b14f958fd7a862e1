// Secrets of a channel are never shown back in full: the webhook secret, the
// SMTP password, and URLs that carry a token (Slack, Discord, and any webhook
// URL, which may). What is shown keeps the last 4 characters, so an operator
// can tell two apart. On an update, a value equal to the mask of the stored
// one (the admin form shows the mask; a client PATCHes what it read) keeps the
// stored secret instead of overwriting it with the mask.
import type { ChannelConfig } from '../alert-types';
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

const SECRET_FIELDS = { webhook: ['url', 'secret'], slack: ['url'], discord: ['url'], email: ['password'] } as const;

/**
 * The raw spec (before validation: a mask would fail it) with each secret
 * given as the stored one's mask, or left out, put back to the stored value.
 * Only for the same type: a channel changing type takes its new fields as given.
 */
export function unmask(input: Record<string, unknown>, stored: ChannelConfig | null): Record<string, unknown> {
	if (!stored || input.type !== stored.type) return input;
	const out = { ...input };
	const masked = maskConfig(stored) as unknown as Record<string, unknown>;
	const real = stored.config as unknown as Record<string, unknown>;
	for (const f of SECRET_FIELDS[stored.type]) {
		if (real[f] === null || real[f] === undefined) continue;
		if (out[f] === undefined || out[f] === masked[f]) out[f] = real[f];
	}
	return out;
}

/** Whether the draft still needs a webhook secret. */
export const missingSecret = (d: ChannelDraft): boolean => d.type === 'webhook' && !(d.config as { secret?: string }).secret;
