// A tiny levelled logger: one line per event, to stdout/stderr, so `docker logs`
// and journald show what the probe loop did without extra dependencies.
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
	debug(msg: string, extra?: Record<string, unknown>): void;
	info(msg: string, extra?: Record<string, unknown>): void;
	warn(msg: string, extra?: Record<string, unknown>): void;
	error(msg: string, extra?: Record<string, unknown>): void;
}

export function createLogger(level: Level = 'info', scope = 'porthole'): Logger {
	const emit = (l: Level) => (msg: string, extra?: Record<string, unknown>) => {
		if (ORDER[l] < ORDER[level]) return;
		const line = `${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} [${scope}] ${msg}${extra ? ' ' + JSON.stringify(extra) : ''}`;
		(l === 'error' || l === 'warn' ? console.error : console.log)(line);
	};
	return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** An error's message with its causes: Drizzle wraps the driver's error ("Failed query: …"). */
export function errorText(err: unknown): string {
	const parts: string[] = [];
	for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
		parts.push(e instanceof Error ? e.message.split('\n')[0] : String(e));
	}
	return parts.join(': ');
}
