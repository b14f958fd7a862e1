// The one reader of the environment. Everything else receives a typed Config.
// SvelteKit passes `$env/dynamic/private`; the standalone worker and scripts
// pass `process.env`. Bad values stop the start with a message naming the
// variable, instead of surfacing later as NaN timeouts.
import { z } from 'zod';

const bool = (name: string, fallback: boolean) =>
	z
		.string()
		.optional()
		.transform((v, ctx) => {
			if (v === undefined || v === '') return fallback;
			const s = v.trim().toLowerCase();
			if (['1', 'true', 'on', 'yes'].includes(s)) return true;
			if (['0', 'false', 'off', 'no'].includes(s)) return false;
			ctx.addIssue({ code: 'custom', message: `${name} must be on/off, got ${JSON.stringify(v)}` });
			return z.NEVER;
		});

const int = (name: string, fallback: number, min: number, max: number) =>
	z
		.string()
		.optional()
		.transform((v, ctx) => {
			if (v === undefined || v.trim() === '') return fallback;
			const n = Number(v);
			if (!Number.isInteger(n) || n < min || n > max) {
				ctx.addIssue({
					code: 'custom',
					message: `${name} must be an integer ${min}-${max}, got ${JSON.stringify(v)}`
				});
				return z.NEVER;
			}
			return n;
		});

const optionalString = z
	.string()
	.optional()
	.transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

function isTimeZone(tz: string) {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

/** "300/60s", "100/1m", "5000/1h" → {limit, windowMs}; "off" → null. */
export function parseRateLimit(v: string | undefined): { limit: number; windowMs: number } | null | string {
	const s = (v ?? '').trim().toLowerCase();
	if (s === '') return { limit: 300, windowMs: 60_000 };
	if (['off', 'false', '0', 'no'].includes(s)) return null;
	const m = /^(\d{1,7})\s*\/\s*(\d{1,5})?\s*(s|m|h)$/.exec(s);
	const unit = m ? { s: 1000, m: 60_000, h: 3_600_000 }[m[3] as 's' | 'm' | 'h'] : 0;
	const limit = m ? Number(m[1]) : 0;
	const windowMs = m ? Number(m[2] ?? 1) * unit : 0;
	if (!m || limit < 1 || windowMs < 1000 || windowMs > 86_400_000) {
		return `RATE_LIMIT must look like "300/60s" (requests per window, window 1s-24h) or "off", got ${JSON.stringify(v)}`;
	}
	return { limit, windowMs };
}

/** A location's name: what LOCATION and `--location` accept. */
export const LOCATION_NAME = /^[a-z0-9-]{1,32}$/;

const schema = z.object({
	DATABASE_URL: optionalString,
	DATA_DIR: optionalString.transform((v) => v ?? './data'),
	MONITORS_FILE: optionalString,
	CHANNELS_FILE: optionalString,
	PROBE_WORKER: bool('PROBE_WORKER', true),
	MAX_SOCKETS: int('MAX_SOCKETS', 256, 1, 65_535),
	EVAL_TIMEOUT_MS: int('EVAL_TIMEOUT_MS', 1000, 10, 60_000),
	EVAL_MEMORY_MB: int('EVAL_MEMORY_MB', 32, 4, 1024),
	EVAL_WORKERS: int('EVAL_WORKERS', 2, 1, 64),
	// Eval code that overruns EVAL_QUARANTINE_AFTER_MS or hits a limit runs from then on in its own lane.
	EVAL_QUARANTINE_AFTER_MS: int('EVAL_QUARANTINE_AFTER_MS', 100, 10, 60_000),
	EVAL_QUARANTINE_WORKERS: int('EVAL_QUARANTINE_WORKERS', 1, 1, 16),
	RETENTION_DAYS: int('RETENTION_DAYS', 90, 1, 3650),
	OUTAGE_BUFFER_MINUTES: int('OUTAGE_BUFFER_MINUTES', 60, 1, 7 * 24 * 60),
	// Seconds browsers and README proxies (GitHub's camo) may cache a badge or public JSON before revalidating.
	BADGE_MAX_AGE: int('BADGE_MAX_AGE', 30, 0, 86_400),
	SITE_TITLE: optionalString.transform((v) => v ?? 'Status'),
	SITE_TIMEZONE: optionalString.transform((v, ctx) => {
		const tz = v ?? 'UTC';
		if (!isTimeZone(tz)) {
			ctx.addIssue({ code: 'custom', message: `SITE_TIMEZONE must be an IANA zone name, got ${JSON.stringify(v)}` });
			return z.NEVER;
		}
		return tz;
	}),
	// The first admin, created unattended at start when no admin exists.
	ADMIN_EMAIL: optionalString,
	ADMIN_PASSWORD: z
		.string()
		.optional()
		.transform((v) => (v ? v : undefined)),
	// adapter-node's public origin: printed in the setup link, and the base of request URLs in server.js's fast path.
	ORIGIN: optionalString,
	// Requests per client address per window on public endpoints; "off" when a proxy limits already, or for benchmarks.
	RATE_LIMIT: z
		.string()
		.optional()
		.transform((v, ctx) => {
			const r = parseRateLimit(v);
			if (typeof r === 'string') {
				ctx.addIssue({ code: 'custom', message: r });
				return z.NEVER;
			}
			return r;
		}),
	// Behind a reverse proxy: the header it sets with the client address (e.g. x-forwarded-for).
	// Unset: the socket address. Never trusted unless named here, since clients can send any header.
	TRUSTED_PROXY_HEADER: optionalString.transform((v, ctx) => {
		if (v === undefined) return undefined;
		if (!/^[a-z0-9-]+$/i.test(v)) {
			ctx.addIssue({ code: 'custom', message: `TRUSTED_PROXY_HEADER must be a header name, got ${JSON.stringify(v)}` });
			return z.NEVER;
		}
		return v.toLowerCase();
	}),
	// adapter-node's client address behind a proxy (a header; for x-forwarded-for, which entry
	// from the end). SvelteKit reads them itself; read here too so server.js's fast path for badges
	// and /api/v2 (public/fast.ts) keys the rate limit by the same address.
	ADDRESS_HEADER: optionalString.transform((v) => v?.toLowerCase()),
	XFF_DEPTH: int('XFF_DEPTH', 1, 1, 100),
	// Where server.js listens (adapter-node's names and defaults), and how long a shutdown waits for open requests.
	HOST: optionalString.transform((v) => v ?? '0.0.0.0'),
	PORT: int('PORT', 3000, 0, 65_535),
	SHUTDOWN_TIMEOUT: int('SHUTDOWN_TIMEOUT', 30, 0, 3600),
	// Where this probe loop runs (`npm run worker -- --location eu-1`): with a location, every
	// worker probes every slot and one eval per slot sees all locations' pings (probe/locations.ts).
	LOCATION: optionalString.transform((v, ctx) => {
		if (v === undefined) return undefined;
		if (!LOCATION_NAME.test(v)) {
			ctx.addIssue({
				code: 'custom',
				message: `LOCATION must be 1-32 characters a-z, 0-9 or "-", got ${JSON.stringify(v)}`
			});
			return z.NEVER;
		}
		return v;
	}),
	LOG_LEVEL: z
		.enum(['debug', 'info', 'warn', 'error'])
		.optional()
		.transform((v) => v ?? 'info')
});

export interface Config {
	databaseUrl: string | undefined;
	dataDir: string;
	monitorsFile: string | undefined;
	/** Alert channels as code (alerts/channels-file.ts), synced at start before MONITORS_FILE. */
	channelsFile: string | undefined;
	/**
	 * The environment CHANNELS_FILE's `${VAR}` references are read from (a
	 * copy, taken here: no other module reads the environment).
	 */
	channelsEnv: Readonly<Record<string, string | undefined>>;
	probeWorker: boolean;
	maxSockets: number;
	evalTimeoutMs: number;
	evalMemoryMb: number;
	evalWorkers: number;
	evalQuarantineAfterMs: number;
	evalQuarantineWorkers: number;
	retentionDays: number;
	outageBufferMinutes: number;
	badgeMaxAge: number;
	siteTitle: string;
	siteTimezone: string;
	logLevel: 'debug' | 'info' | 'warn' | 'error';
	adminEmail: string | undefined;
	adminPassword: string | undefined;
	origin: string | undefined;
	/** null: rate limiting off. */
	rateLimit: { limit: number; windowMs: number } | null;
	trustedProxyHeader: string | undefined;
	/** adapter-node's ADDRESS_HEADER (lower case) and XFF_DEPTH. */
	addressHeader: string | undefined;
	xffDepth: number;
	/** This probe loop's location (LOCATION, or the worker's --location); undefined: no locations. */
	location: string | undefined;
	/** server.js: address, port, and seconds a shutdown waits before closing open connections. */
	listen: { host: string; port: number; shutdownTimeoutSeconds: number };
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
	const parsed = schema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `- ${i.message}`);
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	if (!!e.ADMIN_EMAIL !== !!e.ADMIN_PASSWORD) {
		throw new ConfigError('Invalid configuration:\n- ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither');
	}
	return {
		databaseUrl: e.DATABASE_URL,
		dataDir: e.DATA_DIR,
		monitorsFile: e.MONITORS_FILE,
		channelsFile: e.CHANNELS_FILE,
		channelsEnv: e.CHANNELS_FILE ? Object.freeze({ ...env }) : Object.freeze({}),
		probeWorker: e.PROBE_WORKER,
		maxSockets: e.MAX_SOCKETS,
		evalTimeoutMs: e.EVAL_TIMEOUT_MS,
		evalMemoryMb: e.EVAL_MEMORY_MB,
		evalWorkers: e.EVAL_WORKERS,
		evalQuarantineAfterMs: e.EVAL_QUARANTINE_AFTER_MS,
		evalQuarantineWorkers: e.EVAL_QUARANTINE_WORKERS,
		retentionDays: e.RETENTION_DAYS,
		outageBufferMinutes: e.OUTAGE_BUFFER_MINUTES,
		badgeMaxAge: e.BADGE_MAX_AGE,
		siteTitle: e.SITE_TITLE,
		siteTimezone: e.SITE_TIMEZONE,
		logLevel: e.LOG_LEVEL,
		adminEmail: e.ADMIN_EMAIL,
		adminPassword: e.ADMIN_PASSWORD,
		origin: e.ORIGIN,
		rateLimit: e.RATE_LIMIT,
		trustedProxyHeader: e.TRUSTED_PROXY_HEADER,
		addressHeader: e.ADDRESS_HEADER,
		xffDepth: e.XFF_DEPTH,
		location: e.LOCATION,
		listen: { host: e.HOST, port: e.PORT, shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT }
	};
}
