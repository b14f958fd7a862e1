// /badge/{tag}/{kind}.svg|.json: options → content from the in-memory
// snapshot → rendered badge with cache headers. `_` as the tag means all
// public monitors. Unknown and hidden tags look the same (a grey "not found"
// with 404): the snapshot holds public monitors only, so there is nothing to
// tell them apart by, and an embed never breaks into a broken-image icon.
import { parseBadgeOptions, type BadgeKind, type BadgeOptions, type Parsed } from '../badge/options';
import {
	dotTitle,
	latencyContent,
	notFoundContent,
	renderDot,
	renderShieldsJson,
	renderSvg,
	statusContent,
	uptimeContent,
	withOptions,
	worstStatus,
	type BadgeContent,
	type BadgeStatus,
	type Rendered
} from '../badge/render';
import { BADGE } from '../badge/colors';
import type { PublicMonitor, SnapshotData, StatusSnapshot } from '../snapshot';
import { toResponse, type Plain } from './http';
import { answerOnce, cachedAnswer, type Rendition } from './cache';

export const ALL_TAG = '_';

export interface BadgeRequest {
	kind: BadgeKind;
	format: 'svg' | 'json';
	tag: string;
	query: URLSearchParams;
	ifNoneMatch: string | null;
	acceptEncoding?: string | null;
	snapshot: Pick<StatusSnapshot, 'current' | 'percentile'>;
	maxAge: number;
	siteTitle: string;
}

const DEFAULT_LABEL: Record<BadgeKind, string> = { status: 'status', uptime: 'uptime', latency: 'latency', dot: 'status' };

/** The route's answer as a Response (unit tests). */
export async function badgeResponse(r: BadgeRequest): Promise<Response> {
	return toResponse(await badgeReply(r));
}

/**
 * The answer as plain data, kept per snapshot (public/cache.ts) by
 * everything that shapes it (kind, format, tag, parsed options, max-age, site
 * title), so a repeated badge costs a lookup. The key holds the options as
 * parsed, not the query string: parameters the badge ignores (a README's
 * cache buster, `?v=<random>`) share one rendering instead of each costing a
 * render and pushing the others out of the cache. The p95 latency badge reads raw
 * checks (through the snapshot's own short-lived percentile), so its key
 * also carries the figure it shows.
 */
export function badgeReply(r: BadgeRequest): Plain | Promise<Plain> {
	const data = r.snapshot.current();
	if (!data) return answerOnce(renderBadge(r, null), r);
	const parsed = parseBadgeOptions(r.kind, r.query);
	const options = parsed.ok ? parsed.value : { error: parsed.error };
	const key = JSON.stringify(['badge', r.kind, r.format, r.tag, options, r.maxAge, r.siteTitle]);
	const p95 = percentileShown(r, data, parsed);
	if (p95) return p95.then((ms) => cachedAnswer(data, `${key} p95=${ms}`, () => renderBadge(r, data, ms), r));
	return cachedAnswer(data, key, () => renderBadge(r, data), r);
}

/** The p95 a latency badge of one monitor shows, or null for every other badge. */
function percentileShown(r: BadgeRequest, data: SnapshotData, parsed: Parsed<BadgeOptions>): Promise<number | null> | null {
	if (r.kind !== 'latency' || r.tag === ALL_TAG) return null;
	const m = data.byTag.get(r.tag);
	if (!parsed.ok || parsed.value.metric !== 'p95' || !m) return null;
	return r.snapshot.percentile(m, parsed.value.window, 0.95);
}

/** `p95`: the figure percentileShown read for this request. */
function renderBadge(r: BadgeRequest, data: SnapshotData | null, p95?: number | null): Rendition {
	const parsed = parseBadgeOptions(r.kind, r.query);
	if (!parsed.ok) {
		// The reason is in the image itself, so a README author sees it in the preview.
		return reply(r, { label: 'invalid badge', message: parsed.error, color: BADGE.DOWN }, defaults(), 400, true);
	}
	const o = parsed.value;
	if (!data) {
		return reply(r, { label: o.label ?? DEFAULT_LABEL[r.kind], message: 'unavailable', color: BADGE.NODATA }, o, 503, true);
	}
	if (r.tag === ALL_TAG) {
		if (r.kind === 'latency') {
			return reply(r, { label: 'invalid badge', message: 'latency needs one monitor tag', color: BADGE.DOWN }, defaults(), 400, true);
		}
		if (r.kind === 'dot' && r.format === 'svg') {
			const s = statusOfAll(data.monitors);
			return sendSvgDot(r, renderDot(s, dotTitle(o.label ?? r.siteTitle, s), o.animate, o.color), 200);
		}
		return reply(r, allContent(r, data, o), o, 200);
	}
	const m = data.byTag.get(r.tag);
	if (!m) {
		if (r.kind === 'dot' && r.format === 'svg') return sendSvgDot(r, renderDot(null, 'not found', false), 404);
		return reply(r, notFoundContent(o.label ?? DEFAULT_LABEL[r.kind]), { ...o, color: undefined }, 404);
	}
	if (r.kind === 'dot' && r.format === 'svg') {
		const s = statusNow(m);
		return sendSvgDot(r, renderDot(s, dotTitle(o.label ?? m.name, s), o.animate, o.color), 200);
	}
	if (r.kind === 'latency' && o.metric === 'p95') return reply(r, latencyContent(p95 ?? null, o.metric, o.window), o, 200);
	return reply(r, monitorContent(r, m, o), o, 200);
}

function defaults(): BadgeOptions {
	return { style: 'flat', window: '24h', metric: 'avg', animate: false };
}

/** Content from the snapshot alone (p95 latency is handled by the caller). */
function monitorContent(r: BadgeRequest, m: PublicMonitor, o: BadgeOptions): BadgeContent {
	switch (r.kind) {
		case 'status':
		case 'dot': // the .json twin of a dot is its status
			return statusContent(statusNow(m), m.name);
		case 'uptime':
			return uptimeContent(m.uptime[o.window], o.window);
		case 'latency':
			// p95 never gets here: renderBadge shows the figure read from raw checks.
			return latencyContent(o.metric === 'p95' ? null : m.latencyStats[o.window][o.metric], o.metric, o.window);
	}
}

function allContent(r: BadgeRequest, data: SnapshotData, o: BadgeOptions): BadgeContent {
	if (r.kind === 'uptime') {
		// Each monitor weighs the same: "how are the services doing", not "how are the checks doing".
		const ratios = data.monitors.map((m) => m.uptime[o.window]).filter((v): v is number => v !== null);
		const mean = ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : null;
		return uptimeContent(mean, o.window);
	}
	return statusContent(statusOfAll(data.monitors), r.siteTitle);
}

/** The last check's status while the monitor is current; null (no data) once it is not. */
function statusNow(m: PublicMonitor): string | null {
	return m.current ? m.status : null;
}

/**
 * Several monitors as one, with the banner's precedence: DOWN > DEGRADED >
 * MAINTENANCE > no recent data > UP. All up but some without recent data is
 * "no data", not "up".
 */
function statusOfAll(ms: PublicMonitor[]): BadgeStatus | null {
	const worst = worstStatus(ms.map(statusNow));
	return worst === 'UP' && ms.some((m) => statusNow(m) === null) ? null : worst;
}

// An SVG opened on its own is a document: nothing in it may run or load.
const SVG_CSP = { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" };

function reply(r: BadgeRequest, content: BadgeContent, o: BadgeOptions, status: number, noStore = false): Rendition {
	const c = withOptions(content, o);
	const body = r.format === 'svg' ? renderSvg(c, o) : renderShieldsJson(c, o);
	return { body, status, maxAge: r.maxAge, noStore, extra: r.format === 'svg' ? SVG_CSP : {} };
}

function sendSvgDot(r: BadgeRequest, body: Rendered, status: number): Rendition {
	return { body, status, maxAge: r.maxAge, extra: SVG_CSP };
}
