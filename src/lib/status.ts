// Client-safe status vocabulary: words, icons and colour token names for a
// monitor's status. Never colour alone: every state has a word and an icon
// shape. A day's colour on the bar is decided elsewhere, by the
// day rule in $lib/day-colour.
export type Status = 'UP' | 'DEGRADED' | 'DOWN' | 'MAINTENANCE';
export type Shown = Status | 'NODATA';

export const STATUS_WORD: Record<Shown, string> = {
	UP: 'Operational',
	DEGRADED: 'Degraded',
	DOWN: 'Down',
	MAINTENANCE: 'Maintenance',
	NODATA: 'No data'
};

export const STATUS_ICON: Record<Shown, string> = {
	UP: '✓',
	DEGRADED: '▲',
	DOWN: '✕',
	MAINTENANCE: '⚒',
	NODATA: '◌'
};

/** Tailwind text class for the state's ink colour. */
export const STATUS_INK: Record<Shown, string> = {
	UP: 'text-up-ink',
	DEGRADED: 'text-degraded-ink',
	DOWN: 'text-down-ink',
	MAINTENANCE: 'text-maintenance-ink',
	NODATA: 'text-nodata-ink'
};

export function shown(status: string | null | undefined): Shown {
	return status === 'UP' || status === 'DEGRADED' || status === 'DOWN' || status === 'MAINTENANCE' ? status : 'NODATA';
}

/** Uptime percent text, rounded down: 99.996 → "99.99 %"; null → "No data". */
export function formatUptime(percent: number | null): string {
	if (percent === null) return 'No data';
	return `${(Math.floor(percent * 100) / 100).toFixed(2)} %`;
}

export function formatLatency(ms: number | null): string {
	if (ms === null || !Number.isFinite(ms)) return '–';
	if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
	if (ms >= 10) return `${ms.toFixed(0)} ms`;
	return `${ms.toFixed(1)} ms`;
}
