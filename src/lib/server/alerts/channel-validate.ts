// Validation of alert channels in their JSON format (CHANNELS_FILE, the API,
// the admin form). Errors name the path, the problem and the value given:
// `channels[1].url: must be an http(s) URL, got "ftp://x"`. The spec is flat
// (`{"name", "type", "url", "secret", "scope", "stormThreshold"}`); the
// validated value is what alert_channels stores (alert-types.ts).
import { z } from 'zod';
import { CHANNEL_TYPES, DEFAULT_STORM_THRESHOLD, type ChannelConfig, type ChannelScope } from '../alert-types';
import { isIP } from 'node:net';
import { hasControlChars } from '../text';
import { got, HOSTNAME, zodErrors, type FieldError, type Validated } from '../monitors/validate';

export { got };

export const CHANNEL_NAME = /^[a-z0-9_-]{1,64}$/;
export const MIN_SECRET = 16;

/** A channel as stored: its type and config, name, scope and storm threshold. */
export type ChannelSpec = ChannelConfig & { name: string; scope: ChannelScope; stormThreshold: number };

const noNul = [(s: string) => !s.includes('\u0000'), { error: 'must not contain NUL characters (\\u0000)' }] as const;
const str = () => z.string({ error: (i) => `must be a string, got ${got(i.input)}` }).refine(...noNul);

const isLocal = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '[::1]';

/** http(s) URL; `httpsOnly`: https, or http to this machine only (tests with local receivers). */
function url(httpsOnly: boolean) {
	const what = httpsOnly ? 'an https URL (http only for localhost)' : 'an http(s) URL';
	return (
		str()
			.max(2000, { error: 'must be at most 2000 characters' })
			// The URL parser drops tabs and line breaks silently: refused, so what is stored is what is dialled.
			.refine((s) => !/[\p{Cc}\s]/u.test(s), {
				error: 'must not contain spaces, tabs, line breaks or other control characters',
				abort: true
			})
			.refine(
				(s) => {
					let u: URL;
					try {
						u = new URL(s);
					} catch {
						return false;
					}
					if (u.protocol === 'https:') return true;
					return u.protocol === 'http:' && (!httpsOnly || isLocal(u.hostname));
				},
				{ error: (i) => `must be ${what}, got ${got(i.input)}` }
			)
	);
}

// An address as an SMTP server takes it: local part, @, a domain with a dot (or localhost).
const ADDRESS = /^[^\s@<>",;]+@([a-z0-9-]+(\.[a-z0-9-]+)+|localhost)$/i;
const address = () => str().refine((s) => ADDRESS.test(s), { error: (i) => `must be an email address, got ${got(i.input)}` });

const common = {
	name: z.string({ error: (i) => `must be a string, got ${got(i.input)}` }).refine((n) => CHANNEL_NAME.test(n), {
		error: (i) => `must be 1-64 lowercase letters, digits, "-" or "_", got ${got(i.input)}`
	}),
	scope: z
		.union(
			[
				z.literal('monitors'),
				z.literal('all'),
				z
					.object({ group: str().trim().min(1, { error: 'must name a group' }).max(100, { error: 'must be at most 100 characters' }) })
					.strict()
			],
			{
				error: (i) => `must be "monitors", "all" or {"group": "<group name>"}, got ${got(i.input)}`
			}
		)
		.default('monitors')
		.transform((s): ChannelScope => (typeof s === 'string' ? { kind: s } : { kind: 'group', group: s.group })),
	// 0 switches grouping off (every message alone); 1 would make every message a digest of one.
	stormThreshold: z
		.number({ error: (i) => `must be 0 (no grouping) or a whole number 2-1000, got ${got(i.input)}` })
		.int({ error: (i) => `must be 0 (no grouping) or a whole number 2-1000, got ${got(i.input)}` })
		.refine((n) => n === 0 || (n >= 2 && n <= 1000), { error: (i) => `must be 0 (no grouping) or 2-1000, got ${got(i.input)}` })
		.default(DEFAULT_STORM_THRESHOLD)
};

const secret = str()
	.min(MIN_SECRET, { error: `must be at least ${MIN_SECRET} characters` })
	.max(1000, { error: 'must be at most 1000 characters' });

const schemas = {
	webhook: z.object({ ...common, type: z.literal('webhook'), url: url(false), secret: secret.optional() }).strict(),
	slack: z.object({ ...common, type: z.literal('slack'), url: url(true) }).strict(),
	discord: z.object({ ...common, type: z.literal('discord'), url: url(true) }).strict(),
	email: z
		.object({
			...common,
			type: z.literal('email'),
			host: str()
				.trim()
				.min(1, { error: 'must not be empty', abort: true })
				.refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), { error: (i) => `must be a host name or IP address, got ${got(i.input)}` }),
			port: z
				.number({ error: (i) => `must be a number 1-65535, got ${got(i.input)}` })
				.int({ error: (i) => `must be a whole number 1-65535, got ${got(i.input)}` })
				.min(1, { error: (i) => `must be 1-65535, got ${got(i.input)}` })
				.max(65535, { error: (i) => `must be 1-65535, got ${got(i.input)}` })
				.default(587),
			secure: z.boolean({ error: (i) => `must be true or false, got ${got(i.input)}` }).optional(),
			user: str()
				.min(1, { error: 'must not be empty (leave it out for no login)' })
				// A line break would end the SMTP command it is sent in.
				.refine((u) => !hasControlChars(u), { error: 'must not contain control characters (line breaks, tabs)' })
				.max(500, { error: 'must be at most 500 characters' })
				.nullable()
				.default(null),
			password: str()
				.min(1, { error: 'must not be empty (leave it out for no login)' })
				.max(1000, { error: 'must be at most 1000 characters' })
				.nullable()
				.default(null),
			from: address(),
			to: z
				.array(address(), { error: (i) => `must be a list of email addresses, got ${got(i.input)}` })
				.min(1, { error: 'needs at least one address' })
				.max(50, { error: 'at most 50 addresses' })
		})
		.strict()
		.superRefine((e, ctx) => {
			if ((e.user === null) !== (e.password === null))
				ctx.addIssue({
					code: 'custom',
					path: [e.user === null ? 'user' : 'password'],
					message: 'user and password go together: set both or neither'
				});
		})
} as const;

export interface ValidateOptions {
	/** A webhook without a secret is refused (CHANNELS_FILE: nothing could fill it in). Otherwise the caller fills it. */
	requireSecret?: boolean;
}

/** A channel whose webhook secret may still be missing (the service generates or keeps one). */
export type ChannelDraft =
	ChannelSpec | (Omit<ChannelSpec, 'type' | 'config'> & { type: 'webhook'; config: { url: string; secret?: string } });

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const at = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

/** Validates one channel spec. */
export function validateChannel(input: unknown, prefix = '', opts: ValidateOptions = {}): Validated<ChannelDraft> {
	if (!isObject(input))
		return { ok: false, errors: [{ path: prefix, message: `must be an object with "name" and "type", got ${got(input)}` }] };
	const type = input.type;
	if (typeof type !== 'string' || !(CHANNEL_TYPES as readonly string[]).includes(type)) {
		return {
			ok: false,
			errors: [{ path: at(prefix, 'type'), message: `must be one of ${CHANNEL_TYPES.map((t) => `"${t}"`).join(', ')}, got ${got(type)}` }]
		};
	}
	const r = schemas[type as keyof typeof schemas].safeParse(input);
	if (!r.success) return { ok: false, errors: zodErrors(r.error, prefix) };
	const base = { name: r.data.name, scope: r.data.scope, stormThreshold: r.data.stormThreshold };
	const d = r.data;
	switch (d.type) {
		case 'webhook':
			if (opts.requireSecret && d.secret === undefined)
				return { ok: false, errors: [{ path: at(prefix, 'secret'), message: `is required (at least ${MIN_SECRET} characters)` }] };
			return {
				ok: true,
				value: { ...base, type: 'webhook', config: d.secret === undefined ? { url: d.url } : { url: d.url, secret: d.secret } }
			};
		case 'slack':
		case 'discord':
			return { ok: true, value: { ...base, type: d.type, config: { url: d.url } } };
		case 'email':
			return {
				ok: true,
				value: {
					...base,
					type: 'email',
					config: {
						host: d.host,
						port: d.port,
						// Kept only as given: the default follows the port (smtpSecure).
						...(d.secure !== undefined ? { secure: d.secure } : {}),
						user: d.user,
						password: d.password,
						from: d.from,
						to: d.to
					}
				}
			};
	}
}

/** Validates a CHANNELS_FILE document: a list of channels with unique names, webhook secrets given. */
export function validateChannelList(input: unknown, prefix = 'channels'): Validated<ChannelSpec[]> {
	if (!Array.isArray(input)) return { ok: false, errors: [{ path: prefix, message: `must be an array of channels, got ${got(input)}` }] };
	const errors: FieldError[] = [];
	const values: ChannelSpec[] = [];
	const seen = new Map<string, number>();
	input.forEach((c, i) => {
		const r = validateChannel(c, `${prefix}[${i}]`, { requireSecret: true });
		if (!r.ok) return errors.push(...r.errors);
		const first = seen.get(r.value.name);
		if (first !== undefined)
			errors.push({ path: `${prefix}[${i}].name`, message: `duplicate name ${got(r.value.name)} (also ${prefix}[${first}])` });
		seen.set(r.value.name, i);
		values.push(r.value as ChannelSpec);
	});
	return errors.length ? { ok: false, errors } : { ok: true, value: values };
}

/** A stored channel back in the spec's flat format (secrets as given: mask before showing). */
export function specToJson(c: ChannelSpec): Record<string, unknown> {
	const scope = c.scope.kind === 'group' ? { group: c.scope.group } : c.scope.kind;
	return { name: c.name, type: c.type, ...c.config, scope, stormThreshold: c.stormThreshold };
}
