// The files a badge URL may name (/badge/{tag}/{file}) and what each one
// draws. Client-safe on purpose: the route's param matcher
// (src/params/badge.ts) is bundled for the browser's router too, and the
// server's public read table (server/public/reads.ts) reads the same list, so
// the route and server.js's fast path accept exactly the same names.
export const BADGE_FILES = {
	'status.svg': { kind: 'status', format: 'svg' },
	'status.json': { kind: 'status', format: 'json' },
	'uptime.svg': { kind: 'uptime', format: 'svg' },
	'uptime.json': { kind: 'uptime', format: 'json' },
	'latency.svg': { kind: 'latency', format: 'svg' },
	'latency.json': { kind: 'latency', format: 'json' },
	'dot.svg': { kind: 'dot', format: 'svg' }
} as const;

export type BadgeFile = keyof typeof BADGE_FILES;

export function isBadgeFile(name: string): name is BadgeFile {
	return Object.hasOwn(BADGE_FILES, name);
}
