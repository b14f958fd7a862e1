// Client-safe wording for the latency chart: axis ticks, tooltips and table,
// always in the site time zone (never the browser's).
export function latencyLabel(ms: number): string {
	if (ms >= 1000) return `${+(ms / 1000).toFixed(1)} s`;
	if (ms >= 10) return `${Math.round(ms)} ms`;
	if (ms >= 1) return `${+ms.toFixed(1)} ms`;
	return `${+ms.toFixed(2)} ms`;
}

const fmts = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = timeZone + JSON.stringify(o);
	let f = fmts.get(key);
	if (!f) fmts.set(key, (f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', ...o })));
	return f;
}

function localParts(t: number, timeZone: string) {
	const p: Record<string, number> = {};
	for (const x of fmt(timeZone, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(t))
		if (x.type !== 'literal') p[x.type] = Number(x.value);
	return p as { year: number; month: number; day: number; hour: number; minute: number };
}

/**
 * Round ticks between from and to: local hours (every `hourStep`) for short
 * ranges, local midnights (every `dayStep` days) otherwise.
 */
export function roundTicks(from: number, to: number, timeZone: string, bucketMs: number, times?: number[]): number[] {
	const span = to - from;
	const out: number[] = [];
	if (span <= 2 * 86_400_000) {
		const step = span <= 26 * 3_600_000 ? 4 : 8;
		// Quarter-hour candidates catch zones with :30 and :45 offsets.
		for (let t = Math.ceil(from / 900_000) * 900_000; t <= to; t += 900_000) {
			const p = localParts(t, timeZone);
			if (p.minute === 0 && p.hour % step === 0) out.push(t);
		}
		return out;
	}
	const days = span / 86_400_000;
	const dayStep = days <= 8 ? 1 : days <= 31 ? 5 : 15;
	// Day buckets: their starts are the local midnights already (23/25-hour days included).
	const candidates: number[] = [];
	if (bucketMs >= 86_400_000 && times) candidates.push(...times);
	else for (let t = Math.ceil(from / 900_000) * 900_000; t <= to; t += 900_000) candidates.push(t);
	for (const t of candidates) {
		const p = localParts(t, timeZone);
		if (p.hour === 0 && p.minute === 0 && (p.day - 1) % dayStep === 0 && p.day < 30) out.push(t);
	}
	return out;
}

export function tickLabel(t: number, timeZone: string, short: boolean): string {
	return short
		? fmt(timeZone, { hour: '2-digit', minute: '2-digit' }).format(t)
		: fmt(timeZone, { day: 'numeric', month: 'short' }).format(t);
}

/** "Tue 14 Oct, 14:00–15:00 UTC" or "Tue 14 Oct UTC" for day buckets. */
export function bucketTitle(t: number, bucketMs: number, timeZone: string, zone: string): string {
	const day = fmt(timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(t).replace(/,/g, '');
	if (bucketMs >= 86_400_000) return `${day} · ${zone}`;
	const hm = fmt(timeZone, { hour: '2-digit', minute: '2-digit' });
	return `${day}, ${hm.format(t)}–${hm.format(t + bucketMs)} ${zone}`;
}
