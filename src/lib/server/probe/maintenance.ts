// Which monitors are under maintenance when, for the probe loop: a check
// whose slot falls in a window of its monitor still runs and is stored with
// what it found, but its status is MAINTENANCE (left out of uptime, blue on
// the bars, never an outage). Windows are expanded once for a horizon around
// now and re-read when the table changes (the loop polls the fingerprint with
// its monitor refresh) or the horizon runs out, so a check costs a Map
// lookup and a short scan, not an RRULE expansion.
import type { Db } from '../db/index';
import type { EvalResult, Ping } from '../types';
import { maintenanceSchedule, maintenancesFingerprint } from '../db/queries/maintenance';
import { occurrences, type Interval } from '../maintenance/recurrence';
import { windowFromJson } from '../maintenance/stored';

const HOUR = 3_600_000;
/** Expanded from a day back (late and buffered writes) to two days ahead; rebuilt every hour. */
const BACK = 24 * HOUR;
const AHEAD = 48 * HOUR;

export class MaintenanceIndex {
	private fingerprint = '';
	private builtAt = 0;
	private byMonitor = new Map<number, Interval[]>();

	/** Re-reads the windows when they changed or the expanded horizon is an hour old. */
	async refresh(db: Db, now = new Date()): Promise<void> {
		const fp = await maintenancesFingerprint(db);
		if (fp === this.fingerprint && now.getTime() - this.builtAt < HOUR) return;
		const from = new Date(now.getTime() - BACK);
		const to = new Date(now.getTime() + AHEAD);
		const rows = await maintenanceSchedule(db, from);
		const byMonitor = new Map<number, Interval[]>();
		const expanded = new Map<number, Interval[]>();
		for (const r of rows) {
			let list = expanded.get(r.id);
			if (!list) {
				const w = windowFromJson(r.window, r.cancelled, r.endedAt, r.cuts);
				list = w ? occurrences(w, from, to) : [];
				expanded.set(r.id, list);
			}
			if (!list.length) continue;
			const mine = byMonitor.get(r.monitorId) ?? [];
			mine.push(...list);
			byMonitor.set(r.monitorId, mine);
		}
		this.byMonitor = byMonitor;
		this.fingerprint = fp;
		this.builtAt = now.getTime();
	}

	/** What a check of this monitor at this slot records: its own result, or MAINTENANCE in a window. */
	recorded(monitorId: number, slot: Date, found: { result: EvalResult; pings: readonly Ping[] }) {
		if (this.covers(monitorId, slot)) return { maintenance: true, ...maintenanceResult(found.result, found.pings) };
		return { maintenance: false, status: found.result.status, error: found.result.error ?? null };
	}

	/** The slot lies inside a window of this monitor (start inclusive, end exclusive). */
	covers(monitorId: number, slot: Date): boolean {
		const t = slot.getTime();
		return this.byMonitor.get(monitorId)?.some((o) => o.start.getTime() <= t && t < o.end.getTime()) ?? false;
	}
}

/**
 * What a check in a window records: MAINTENANCE, with what it found kept in
 * the error text. The eval's own error names the cause when it has one; the
 * spec's default function says DOWN without a reason, so the first host that
 * did not answer stands in for it.
 */
export function maintenanceResult(
	found: { status: string; error?: string | null },
	pings: readonly Ping[] = []
): { status: 'MAINTENANCE'; error: string | null } {
	if (found.status === 'UP' && !found.error) return { status: 'MAINTENANCE', error: null };
	const failed = pings.find((p) => p.status !== 'open');
	const why = found.error || (failed ? `${failed.host}:${failed.port} ${failed.status}${failed.error ? ` (${failed.error})` : ''}` : '');
	return { status: 'MAINTENANCE', error: `under maintenance; found ${found.status}${why ? `: ${why}` : ''}` };
}
