// Plain words for a cron schedule. Client-safe: the admin editor shows them as you type.
/** Plain words for common schedules: "every minute", "every 30 seconds"; the expression otherwise. */
export function describeCron(expr: string): string {
	const f = expr.trim().split(/\s+/);
	const five = f.length === 5 ? f : f.length === 6 && f[0] === '0' ? f.slice(1) : null;
	const every = (n: string, unit: string) => (n === '1' ? `every ${unit}` : `every ${n} ${unit}s`);
	if (f.length === 6 && f.slice(1).every((x) => x === '*')) {
		if (f[0] === '*') return 'every second';
		const m = /^\*\/(\d+)$/.exec(f[0]);
		if (m) return every(m[1], 'second');
	}
	if (five && five.slice(1).every((x) => x === '*')) {
		if (five[0] === '*') return 'every minute';
		const m = /^\*\/(\d+)$/.exec(five[0]);
		if (m) return every(m[1], 'minute');
	}
	if (five && five[0] === '0' && five.slice(2).every((x) => x === '*')) {
		if (five[1] === '*') return 'every hour';
		const m = /^\*\/(\d+)$/.exec(five[1]);
		if (m) return every(m[1], 'hour');
	}
	return expr;
}
