// Shapes the browser needs as well as the server: page data, run-now output,
// probe results. Client-safe (types only, no server imports); the server
// modules that build these values import them from here.
import type { PackedRow } from './row-html';
import type { Shown } from './status';
import type { Impact, NoticeState } from './notice-words';

export type PingStatus = 'open' | 'timeout' | 'error';

/** One host's result: the spec's five fields first, then debugging extras. */
export interface Ping {
	status: PingStatus;
	/** TCP connect time in fractional ms (process.hrtime.bigint), DNS excluded. */
	latency: number;
	host: string;
	port: number;
	type: 'tcp' | 'IP6';
	/** The IP actually dialled, when resolution got that far. */
	address?: string;
	/** Name resolution time in ms; 0 for IP literals. */
	dnsLatency?: number;
	// The next seven only when the host asks for TLS or send/expect (spec: "Beyond the port is open").
	/** ms from TCP connect to the TLS handshake done (tls hosts, handshake completed). */
	tlsLatency?: number;
	/** Negotiated protocol, e.g. "TLSv1.3". */
	tlsProtocol?: string;
	/** The server certificate's notAfter, ISO 8601 (UTC). */
	certValidTo?: string;
	/** Whole days until certValidTo (rounded down; negative once expired). */
	certDaysLeft?: number;
	/** Why the certificate did not verify (self-signed, expired, wrong name…), e.g. "DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate". Not fatal. */
	tlsError?: string;
	/** The first bytes the service sent (hosts with expect): printable ASCII, others escaped (\\r \\n \\xHH), at most 128 characters. */
	banner?: string;
	/** Whether the answer started with (or matched) `expect`. */
	matched?: boolean;
	/** For timeout/error: system code and message, e.g. "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1". */
	error?: string;
}

/** Run-now output (the same shape POST /api/v1/check returns). */
export interface RunOutput {
	ranAt: string;
	pings: Ping[];
	result: { status: string; latency: number; error?: string; durationMs: number };
	timings: { probeMs: number; evalMs: number };
}

/** The compact form the page carries: 90 class letters and the partly covered days. */
export interface BarData {
	d: string;
	/** [day index, coverage 0-1 rounded to 2 places] for days under FULL_COVERAGE ($lib/day-colour). */
	p: [number, number][];
	/** The day with the most down minutes, [index, minutes], for the bar's label; null without any. */
	w: [number, number] | null;
}

export interface Banner {
	/** Colour of the banner: the state's fill, or NODATA grey. */
	state: Shown;
	headline: string;
	subline: string;
	/** "1 monitor has no recent data", or ''. */
	note: string;
}

export interface HomeRow {
	tag: string;
	name: string;
	description: string;
	status: Shown;
	bar: BarData;
	/** Uptime fractions over the last 90 and 30 days (desktop and narrow legend). */
	uptime90: number | null;
	uptime30: number | null;
	/** Days with an incident on this monitor: [day index, impact 0-3, …]. */
	m?: number[];
}

export interface HomeGroup {
	name: string | null;
	/** Packed for the wire (see PackedRow); unpackRow gives a HomeRow back. */
	rows: PackedRow[];
	open: boolean;
	/** "▲ 1 degraded · 6 monitors" */
	summary: string;
	worst: Shown;
}

export interface HomeData {
	title: string;
	timeZone: string;
	zone: string;
	updatedAt: string;
	updatedClock: string;
	refreshSeconds: number;
	/** The bars' first day (YYYY-MM-DD): day i of a bar is this plus i days. */
	firstDay: string;
	banner: Banner;
	groups: HomeGroup[];
	count: number;
	notices: HomeNotices;
}

/** An active incident on the home page (UI.md §10). */
export interface IncidentCard {
	id: string;
	title: string;
	impact: Impact;
	/** The latest update's state. */
	state: NoticeState;
	/** The latest update's text, plain, cut to about two lines. */
	excerpt: string;
	/** "12 min ago · 14:03 UTC" (the latest update). */
	when: string;
	/** ISO time of the latest update. */
	at: string;
	monitors: { tag: string; name: string }[];
}

/** A maintenance window's occurrence on the home page or a monitor page. */
export interface MaintenanceCard {
	id: string;
	title: string;
	state: 'in_progress' | 'scheduled';
	/** "In progress · until 15:00 UTC (45 min left)" or "Scheduled · Tue 14 Oct, 02:00–03:00 UTC (in 3 days)". */
	when: string;
	start: string;
	end: string;
	monitors: { tag: string; name: string }[];
	/** Further occurrences of the same window in the next 7 days (upcoming cards only); moreCapped: at least that many. */
	more?: number;
	moreCapped?: boolean;
}

export interface HomeNotices {
	incidents: IncidentCard[];
	ongoing: MaintenanceCard[];
	/** Starting within the next 7 days, soonest first. */
	upcoming: MaintenanceCard[];
}

export interface ChangeRow {
	ts: string;
	from: Shown | null;
	to: Shown;
	/** "Tue 14 Oct 2026 · 03:12 → 03:41 UTC" */
	when: string;
	/** "29 min" or "ongoing" */
	length: string;
	reason: string;
}

/** The maintenance form's fields as typed (admin/notice-form.ts reads them; the form component shows them). */
export interface MaintenanceFormValues {
	title: string;
	description: string;
	monitors: string[];
	kind: 'once' | 'recurring';
	/** One-off: datetime-local values in the site's zone. */
	start: string;
	end: string;
	/** Recurring: the rule, its local start (datetime-local) in `timeZone`, and each occurrence's length. */
	rrule: string;
	dtstart: string;
	durationMinutes: string;
	timeZone: string;
}
