// Validation of monitors in the spec's JSON format (monitors.json, the API,
// the admin form). Errors name the path, the problem and the value given:
// `monitors[2].type_data.hosts[0].port: must be 1-65535, got 70000`.
import { isIP } from 'node:net';
import { z } from 'zod';
import { checkCron, DEFAULT_CRON } from './cron';
import { byCodePoint, TAG, type Host, type MonitorInput } from '../types';
import { MAX_EXPECT_CHARS, MAX_SEND_BYTES, PRESET_NAMES, PRESETS, parseExpect } from '../expect';
import { DEFAULT_ALERT_SETTINGS } from '../alert-types';

export { isTag, type MonitorInput } from '../types';

/** A value as the error messages quote it: JSON, cut at 60 characters. */
export const got = (v: unknown) => {
	if (v === undefined) return 'nothing';
	let s: string | undefined;
	try {
		s = JSON.stringify(v);
	} catch {
		// Too deep or circular to show: say what it is instead of failing the whole answer.
		return Array.isArray(v) ? 'an array' : typeof v;
	}
	return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
};

// RFC 1123 host name: labels of letters, digits and hyphens, not starting or ending with a hyphen.
export const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

// Postgres text (and jsonb) cannot hold NUL: refused here with a message instead of failing the write.
const noNul = [(s: string) => !s.includes('\u0000'), { error: 'must not contain NUL characters (\\u0000)' }] as const;

export const hostSchema = z
	.object({
		type: z
			.enum(['tcp', 'IP6', 'IP4'], {
				error: (i) => `must be "tcp" (IPv4) or "IP6" (IPv6), got ${got(i.input)}`
			})
			.default('tcp')
			.transform((t): Host['type'] => (t === 'IP6' ? 'IP6' : 'tcp')),
		host: z
			.string({ error: (i) => `must be a host name or IP address, got ${got(i.input)}` })
			.trim()
			.min(1, { error: 'must not be empty', abort: true })
			.refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), {
				error: (i) => `must be a host name or IP address, got ${got(i.input)}`
			}),
		port: z
			.number({ error: (i) => `must be a number 1-65535, got ${got(i.input)}` })
			.int({ error: (i) => `must be a whole number 1-65535, got ${got(i.input)}` })
			.min(1, { error: (i) => `must be 1-65535, got ${got(i.input)}` })
			.max(65535, { error: (i) => `must be 1-65535, got ${got(i.input)}` })
			.default(80),
		timeout: z
			.number({ error: (i) => `must be a number of milliseconds 1-60000, got ${got(i.input)}` })
			.int({ error: (i) => `must be a whole number of milliseconds, got ${got(i.input)}` })
			.min(1, { error: (i) => `must be 1-60000 ms, got ${got(i.input)}` })
			.max(60000, { error: (i) => `must be 1-60000 ms, got ${got(i.input)}` })
			.default(1000),
		// "Beyond the port is open" (expect.ts): optional, absent unless given.
		preset: z
			.string({ error: (i) => `must be a preset name, got ${got(i.input)}` })
			.refine((p) => Object.hasOwn(PRESETS, p), {
				error: (i) => `unknown preset ${got(i.input)} (one of ${PRESET_NAMES.join(', ')})`
			})
			.optional(),
		send: z
			.string({ error: (i) => `must be the text to send, got ${got(i.input)}` })
			.min(1, { error: 'must not be empty', abort: true })
			.refine((t) => Buffer.byteLength(t, 'utf8') <= MAX_SEND_BYTES, { error: `must be at most ${MAX_SEND_BYTES} bytes` })
			.refine(...noNul)
			.optional(),
		expect: z
			.string({ error: (i) => `must be a prefix of the answer or "/regex/", got ${got(i.input)}` })
			.min(1, { error: 'must not be empty (leave it out to check the port only)', abort: true })
			.max(MAX_EXPECT_CHARS, { error: `must be at most ${MAX_EXPECT_CHARS} characters`, abort: true })
			.refine(...noNul)
			.superRefine((e, ctx) => {
				const p = parseExpect(e);
				if (!p.ok) ctx.addIssue({ code: 'custom', message: p.error });
			})
			.optional(),
		tls: z.boolean({ error: (i) => `must be true or false, got ${got(i.input)}` }).optional()
	})
	.strict()
	.superRefine((h, ctx) => {
		if (h.preset !== undefined && (h.send !== undefined || h.expect !== undefined)) {
			const field = h.send !== undefined ? 'send' : 'expect';
			ctx.addIssue({
				code: 'custom',
				path: [field],
				message: `cannot be given with preset ${got(h.preset)}, which sets send and expect; drop one of them`
			});
		}
		if (h.send !== undefined && h.expect === undefined && h.preset === undefined)
			ctx.addIssue({ code: 'custom', path: ['send'], message: 'needs expect: what the answer must start with (or "/regex/")' });
		// Node would silently dial an IP literal over its own family whatever
		// `family` says, so a mismatch is refused here.
		const fam = isIP(h.host);
		if (h.type === 'tcp' && fam === 6)
			ctx.addIssue({ code: 'custom', path: ['host'], message: `${got(h.host)} is an IPv6 address; use type "IP6"` });
		if (h.type === 'IP6' && fam === 4)
			ctx.addIssue({ code: 'custom', path: ['host'], message: `${got(h.host)} is an IPv4 address; use type "tcp"` });
	});

export const MAX_EVAL_BYTES = 64 * 1024;

const streak = (what: string) =>
	z
		.number({ error: (i) => `must be a whole number of checks 1-100, got ${got(i.input)}` })
		.int({ error: (i) => `must be a whole number of checks 1-100, got ${got(i.input)}` })
		.min(1, { error: (i) => `must be 1-100, got ${got(i.input)}` })
		.max(100, { error: (i) => `must be 1-100, got ${got(i.input)}` })
		.default(DEFAULT_ALERT_SETTINGS[what as 'down' | 'up']);

/** A week: a reminder less often than that is no reminder. */
export const MAX_REMIND_MINUTES = 10080;

/** `confirm`: when an outage and a recovery are confirmed, and reminders (alert-types.ts MonitorAlertSettings). */
export const confirmSchema = z
	.object(
		{
			down: streak('down'),
			up: streak('up'),
			degraded: z.boolean({ error: (i) => `must be true or false, got ${got(i.input)}` }).default(DEFAULT_ALERT_SETTINGS.degraded),
			remindMinutes: z
				.number({ error: (i) => `must be null or a whole number of minutes 1-${MAX_REMIND_MINUTES}, got ${got(i.input)}` })
				.int({ error: (i) => `must be a whole number of minutes, got ${got(i.input)}` })
				.min(1, { error: (i) => `must be null or 1-${MAX_REMIND_MINUTES}, got ${got(i.input)}` })
				.max(MAX_REMIND_MINUTES, { error: (i) => `must be null or 1-${MAX_REMIND_MINUTES}, got ${got(i.input)}` })
				.nullable()
				.default(DEFAULT_ALERT_SETTINGS.remindMinutes)
		},
		{ error: (i) => `must be an object with "down", "up", "degraded", "remindMinutes", got ${got(i.input)}` }
	)
	.strict()
	.default(() => ({ ...DEFAULT_ALERT_SETTINGS }));

/** `channels`: alert channel names; whether each exists is checked where the database is (monitors/service.ts, file.ts). */
export const channelsSchema = z
	.array(
		z
			.string({ error: (i) => `must be a channel name, got ${got(i.input)}` })
			.min(1, { error: 'must not be empty' })
			.max(100, { error: 'must be at most 100 characters' })
			.refine(...noNul),
		{ error: (i) => `must be an array of channel names, got ${got(i.input)}` }
	)
	.max(100, { error: 'at most 100 channels per monitor' })
	.default([])
	.superRefine((names, ctx) => {
		const seen = new Map<string, number>();
		names.forEach((n, i) => {
			const first = seen.get(n);
			if (first !== undefined)
				ctx.addIssue({ code: 'custom', path: [i], message: `duplicate channel ${got(n)} (also channels[${first}])` });
			seen.set(n, i);
		});
	})
	// Stored as a set: one order everywhere, so export → import compares equal.
	.transform((names) => [...names].sort(byCodePoint));

export const monitorInputSchema = z
	.object({
		tag: z.string({ error: (i) => `must be a string, got ${got(i.input)}` }).refine((t) => TAG.test(t), {
			error: (i) => `must be 1-64 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit, got ${got(i.input)}`
		}),
		name: z
			.string({ error: (i) => `must be a string, got ${got(i.input)}` })
			.trim()
			.min(1, { error: 'must not be empty' })
			.max(200, { error: 'must be at most 200 characters' })
			.refine(...noNul),
		type: z.literal('TCP', { error: (i) => `only "TCP" monitors are supported, got ${got(i.input)}` }),
		type_data: z
			.object(
				{
					hosts: z
						.array(hostSchema, { error: (i) => `must be an array of hosts, got ${got(i.input)}` })
						.min(1, { error: 'needs at least one host' })
						.max(100, { error: 'at most 100 hosts per monitor' })
				},
				{ error: (i) => `must be an object with "hosts", got ${got(i.input)}` }
			)
			.strict(),
		description: z
			.string({ error: (i) => `must be a string, got ${got(i.input)}` })
			.max(2000, { error: 'must be at most 2000 characters' })
			.refine(...noNul)
			.default(''),
		eval: z
			.string({ error: (i) => `must be the source of a function, got ${got(i.input)}` })
			.max(MAX_EVAL_BYTES, { error: `must be at most ${MAX_EVAL_BYTES} characters` })
			.refine(...noNul)
			.nullable()
			.default(null)
			.transform((s) => (s && s.trim() !== '' ? s : null)),
		cron: z
			.string({ error: (i) => `must be a cron expression, got ${got(i.input)}` })
			.trim()
			.default(DEFAULT_CRON)
			.superRefine((c, ctx) => {
				const r = checkCron(c);
				if (!r.ok) ctx.addIssue({ code: 'custom', message: `${r.error}, got ${got(c)}` });
			}),
		public: z.boolean({ error: (i) => `must be true or false, got ${got(i.input)}` }).default(true),
		active: z.boolean({ error: (i) => `must be true or false, got ${got(i.input)}` }).default(true),
		show_hosts: z.boolean({ error: (i) => `must be true or false, got ${got(i.input)}` }).default(false),
		group: z
			.string({ error: (i) => `must be a string, got ${got(i.input)}` })
			.trim()
			.max(100)
			.refine(...noNul)
			.nullable()
			.default(null)
			.transform((g) => (g ? g : null)),
		order: z
			.number({ error: (i) => `must be a number, got ${got(i.input)}` })
			.int()
			.default(0),
		confirm: confirmSchema,
		channels: channelsSchema
	})
	.strict();

// The schema's output is the shared MonitorInput exactly: a change to either fails type checking here.
type SchemaOutput = z.output<typeof monitorInputSchema>;
const sameShape: [SchemaOutput extends MonitorInput ? true : false, MonitorInput extends SchemaOutput ? true : false] = [true, true];
void sameShape;

export interface FieldError {
	/** e.g. "monitors[2].type_data.hosts[0].port" */
	path: string;
	message: string;
}

export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
	let out = prefix;
	for (const p of path) {
		if (typeof p === 'number') out += `[${p}]`;
		else out += out ? `.${String(p)}` : String(p);
	}
	return out;
}

export function zodErrors(error: z.ZodError, prefix = ''): FieldError[] {
	return error.issues.flatMap((i) =>
		i.code === 'unrecognized_keys'
			? i.keys.map((k) => ({ path: formatPath([...i.path, k], prefix), message: 'unknown field' }))
			: [{ path: formatPath(i.path, prefix), message: i.message }]
	);
}

export const errorLine = (e: FieldError) => (e.path ? `${e.path}: ${e.message}` : e.message);

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Validates one monitor (shape only; eval syntax is checked by the caller, which owns the sandbox). */
export function validateMonitor(input: unknown, prefix = ''): Validated<MonitorInput> {
	const r = monitorInputSchema.safeParse(input);
	return r.success ? { ok: true, value: r.data } : { ok: false, errors: zodErrors(r.error, prefix) };
}

/** Validates a monitors.json document: an array of monitors with unique tags. */
export function validateMonitorList(input: unknown, prefix = 'monitors'): Validated<MonitorInput[]> {
	if (!Array.isArray(input)) {
		return { ok: false, errors: [{ path: prefix, message: `must be an array of monitors, got ${got(input)}` }] };
	}
	const errors: FieldError[] = [];
	const values: MonitorInput[] = [];
	const seen = new Map<string, number>();
	input.forEach((m, i) => {
		const r = validateMonitor(m, `${prefix}[${i}]`);
		if (!r.ok) return errors.push(...r.errors);
		const first = seen.get(r.value.tag);
		if (first !== undefined)
			errors.push({ path: `${prefix}[${i}].tag`, message: `duplicate tag ${got(r.value.tag)} (also ${prefix}[${first}])` });
		seen.set(r.value.tag, i);
		values.push(r.value);
	});
	return errors.length ? { ok: false, errors } : { ok: true, value: values };
}
