// Query options of badge URLs, validated up front: a bad value gets a 400
// with a message naming the parameter, instead of a silently different badge.
// Unknown parameters are ignored on purpose: READMEs add cache busters (?v=2).
import { parseColor } from './colors';
import { hasControlChars } from '../text';

export const BADGE_KINDS = ['status', 'uptime', 'latency', 'dot'] as const;
export type BadgeKind = (typeof BADGE_KINDS)[number];

export const STYLES = ['flat', 'flat-square', 'plastic', 'for-the-badge', 'social'] as const;
export type BadgeStyle = (typeof STYLES)[number];

export const BADGE_WINDOWS = ['24h', '7d', '30d', '90d'] as const;
export type BadgeWindow = (typeof BADGE_WINDOWS)[number];

export const METRICS = ['avg', 'min', 'max', 'p95'] as const;
export type LatencyMetric = (typeof METRICS)[number];

export interface BadgeOptions {
	/** Replaces the default left-hand text; '' hides it. */
	label?: string;
	style: BadgeStyle;
	color?: string;
	labelColor?: string;
	window: BadgeWindow;
	metric: LatencyMetric;
	/** dot.svg only: a slow opacity pulse. Off by default (nothing pulses unasked). */
	animate: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const MAX_LABEL = 64;

const DEFAULT_WINDOW: Record<BadgeKind, BadgeWindow> = { status: '24h', uptime: '30d', latency: '24h', dot: '24h' };

function oneOf<T extends string>(list: readonly T[], v: string): v is T {
	return (list as readonly string[]).includes(v);
}

/** Validates the query of a badge URL for the given kind. */
export function parseBadgeOptions(kind: BadgeKind, q: URLSearchParams): Parsed<BadgeOptions> {
	const opts: BadgeOptions = { style: 'flat', window: DEFAULT_WINDOW[kind], metric: 'avg', animate: false };
	for (const key of new Set(q.keys())) {
		if (q.getAll(key).length > 1) return { ok: false, error: `${key} is given more than once` };
	}
	const label = q.get('label');
	if (label !== null) {
		if ([...label].length > MAX_LABEL) return { ok: false, error: `label must be at most ${MAX_LABEL} characters` };
		// Control characters are not allowed in XML 1.0 and break the SVG.
		if (hasControlChars(label)) return { ok: false, error: 'label must not contain control characters' };
		opts.label = label;
	}
	const style = q.get('style');
	if (style !== null) {
		if (!oneOf(STYLES, style)) return { ok: false, error: `style must be one of ${STYLES.join(', ')}` };
		opts.style = style;
	}
	for (const key of ['color', 'labelColor'] as const) {
		const raw = q.get(key);
		if (raw === null) continue;
		const c = parseColor(raw);
		if (!c) return { ok: false, error: `${key} must be a hex colour (like 0f7 or 047857) or a named colour (like green)` };
		opts[key] = c;
	}
	const window = q.get('window');
	if (window !== null) {
		if (kind !== 'uptime' && kind !== 'latency') return { ok: false, error: `window applies to uptime and latency badges only` };
		if (!oneOf(BADGE_WINDOWS, window)) return { ok: false, error: `window must be one of ${BADGE_WINDOWS.join(', ')}` };
		opts.window = window;
	}
	const metric = q.get('metric');
	if (metric !== null) {
		if (kind !== 'latency') return { ok: false, error: 'metric applies to latency badges only' };
		if (!oneOf(METRICS, metric)) return { ok: false, error: `metric must be one of ${METRICS.join(', ')}` };
		opts.metric = metric;
	}
	const animate = q.get('animate');
	if (animate !== null) {
		if (kind !== 'dot') return { ok: false, error: 'animate applies to dot.svg only' };
		if (animate !== '0' && animate !== '1') return { ok: false, error: 'animate must be 0 or 1' };
		opts.animate = animate === '1';
	}
	return { ok: true, value: opts };
}
