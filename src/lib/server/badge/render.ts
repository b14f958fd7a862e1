// Badge content (label, message, colour) and rendering: SVG via
// badge-maker (the shields.io library), shields endpoint JSON, and the small
// dot. Pure: no SvelteKit, no database. badge-maker escapes every text it
// writes into the SVG; our own dot SVG escapes through escapeXml.
import { createHash } from 'node:crypto';
import { makeBadge } from 'badge-maker';
import { BADGE, FILL, uptimeColor } from './colors';
import type { BadgeOptions, BadgeWindow, LatencyMetric } from './options';
import { formatLatency } from '../../status';

export type BadgeStatus = 'UP' | 'DEGRADED' | 'DOWN' | 'MAINTENANCE';

export interface BadgeContent {
	label: string;
	message: string;
	color: string;
}

export interface Rendered {
	body: string;
	/** Strong validator for the exact bytes of body. */
	etag: string;
	contentType: string;
}

const STATUS_MESSAGE: Record<BadgeStatus | 'NODATA', string> = {
	UP: 'up',
	DEGRADED: 'degraded',
	DOWN: 'down',
	MAINTENANCE: 'maintenance',
	NODATA: 'no data'
};

function known(status: string | null | undefined): BadgeStatus | 'NODATA' {
	return status === 'UP' || status === 'DEGRADED' || status === 'DOWN' || status === 'MAINTENANCE' ? status : 'NODATA';
}

/** The status shown for several monitors at once: DOWN > DEGRADED > MAINTENANCE > UP; no data counts for nothing. */
export function worstStatus(statuses: (string | null)[]): BadgeStatus | null {
	const order: BadgeStatus[] = ['DOWN', 'DEGRADED', 'MAINTENANCE', 'UP'];
	for (const s of order) if (statuses.includes(s)) return s;
	return null;
}

export function statusContent(status: string | null, label: string): BadgeContent {
	const k = known(status);
	return { label, message: STATUS_MESSAGE[k], color: BADGE[k] };
}

/** Percent text rounded down (99.996 → "99.99%"); "100%" only with zero down checks. */
export function uptimeText(ratio: number): string {
	const floored = Math.floor(ratio * 10_000) / 100;
	return floored === 100 ? '100%' : `${floored.toFixed(2)}%`;
}

export function uptimeContent(ratio: number | null, window: BadgeWindow, label?: string): BadgeContent {
	const lab = label ?? `uptime ${window}`;
	if (ratio === null) return { label: lab, message: 'no data', color: BADGE.NODATA };
	const floored = Math.floor(ratio * 10_000) / 100;
	return { label: lab, message: uptimeText(ratio), color: uptimeColor(floored) };
}

export function latencyContent(ms: number | null, metric: LatencyMetric, window: BadgeWindow, label?: string): BadgeContent {
	const lab = label ?? (metric === 'avg' ? `latency ${window}` : `latency ${window} ${metric}`);
	if (ms === null || !Number.isFinite(ms)) return { label: lab, message: 'no data', color: BADGE.NODATA };
	return { label: lab, message: formatLatency(ms), color: BADGE.INFO };
}

export function notFoundContent(label: string): BadgeContent {
	return { label, message: 'not found', color: BADGE.NODATA };
}

/** Applies the visitor's label and colour choices over the computed content. */
export function withOptions(c: BadgeContent, o: Pick<BadgeOptions, 'label' | 'color'>): BadgeContent {
	return { label: o.label ?? c.label, message: c.message, color: o.color ?? c.color };
}

/**
 * Adds the strong validator. Not memoised: each rendered answer is kept per
 * snapshot by the one answer cache (public/cache.ts), so a badge is drawn
 * once per snapshot, not once per request.
 */
function rendered(r: Omit<Rendered, 'etag'>): Rendered {
	return { ...r, etag: `"${createHash('sha1').update(r.body).digest('base64url').slice(0, 22)}"` };
}

export function renderSvg(c: BadgeContent, o: Pick<BadgeOptions, 'style' | 'labelColor'>): Rendered {
	return rendered({
		contentType: 'image/svg+xml; charset=utf-8',
		body: makeBadge({
			label: c.label,
			message: c.message,
			color: c.color,
			labelColor: o.labelColor ?? BADGE.LABEL,
			style: o.style
		})
	});
}

/** shields.io endpoint JSON (https://shields.io/badges/endpoint-badge), so shields can restyle the badge. */
export function renderShieldsJson(c: BadgeContent, o: Pick<BadgeOptions, 'style' | 'labelColor'>): Rendered {
	return rendered({
		contentType: 'application/json; charset=utf-8',
		body: JSON.stringify({
			schemaVersion: 1,
			label: c.label,
			message: c.message,
			color: c.color,
			labelColor: o.labelColor ?? BADGE.LABEL,
			style: o.style
		})
	});
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(s: string): string {
	return s.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]);
}

/** A 10 px circle in the status's light fill; a slow opacity pulse only when asked. */
export function renderDot(status: string | null, title: string, animate: boolean, colorOverride?: string): Rendered {
	const k = known(status);
	const fill = colorOverride ?? FILL[k];
	return rendered({
		contentType: 'image/svg+xml; charset=utf-8',
		body:
			`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10" role="img" aria-label="${escapeXml(title)}">` +
			`<title>${escapeXml(title)}</title>` +
			`<circle cx="5" cy="5" r="5" fill="${escapeXml(fill)}">` +
			(animate ? '<animate attributeName="opacity" values="1;0.35;1" dur="2s" repeatCount="indefinite"/>' : '') +
			'</circle></svg>'
	});
}

export function dotTitle(name: string, status: string | null): string {
	return `${name}: ${STATUS_MESSAGE[known(status)]}`;
}
