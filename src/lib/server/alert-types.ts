// What a channel is, shared by its validation (CHANNELS_FILE, admin, API), the
// sender and the admin views. Stored in alert_channels: `type` and `config`
// (the fields the type needs, secrets included), `scope` (which monitors it
// serves) and `stormThreshold`.

/** The webhook body's version (and a digest's): bump on any incompatible change to the payload. */
export const PAYLOAD_VERSION = 1;

export const CHANNEL_TYPES = ['webhook', 'slack', 'discord', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Generic webhook: JSON body signed with HMAC-SHA256 of `secret`. */
export interface WebhookConfig {
	url: string;
	secret: string;
}

/** Slack incoming webhook: the URL carries the token (a secret). */
export interface SlackConfig {
	url: string;
}

/** Discord webhook: the URL carries the token (a secret). */
export interface DiscordConfig {
	url: string;
}

/** Email over SMTP (nodemailer). `secure`: TLS from the first byte (465); otherwise STARTTLS when offered. */
export interface EmailConfig {
	host: string;
	port: number;
	/** Absent: worked out from the port when sending (smtpSecure), so a new port brings its own default. */
	secure?: boolean;
	user: string | null;
	password: string | null;
	from: string;
	to: string[];
}

export type ChannelConfig =
	| { type: 'webhook'; config: WebhookConfig }
	| { type: 'slack'; config: SlackConfig }
	| { type: 'discord'; config: DiscordConfig }
	| { type: 'email'; config: EmailConfig };

/**
 * Which monitors a channel serves: those that name it (monitor_channels),
 * every monitor, or every monitor of one group (monitors.group_name).
 */
export type ChannelScope = { kind: 'monitors' } | { kind: 'all' } | { kind: 'group'; group: string };

/** Default storm threshold: this many messages to one channel within a minute are sent as one. */
export const DEFAULT_STORM_THRESHOLD = 5;

/** A monitor's alert settings (monitors.alert_* columns; `confirm` in MONITORS_FILE). */
export interface MonitorAlertSettings {
	/** Consecutive not-UP checks before "down" (1-100, default 2). */
	down: number;
	/** Consecutive UP checks before "recovered" (1-100, default 2). */
	up: number;
	/** Whether DEGRADED counts as not UP (default false). */
	degraded: boolean;
	/** Minutes between reminders while still down; null: none. */
	remindMinutes: number | null;
}

export const DEFAULT_ALERT_SETTINGS: MonitorAlertSettings = { down: 2, up: 2, degraded: false, remindMinutes: null };

/** Whether SMTP talks TLS from the first byte: as set, else on port 465 (SMTPS). */
export const smtpSecure = (c: Pick<EmailConfig, 'secure' | 'port'>): boolean => c.secure ?? c.port === 465;
