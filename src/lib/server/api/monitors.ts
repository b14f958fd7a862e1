// Read-only public JSON (/api/v1). Hosts and eval source are never included.
import type { Db } from '../db/index';
import { publicError } from '../disclosure';
import { getMonitorByTag } from '../db/queries/monitors';
import { recentChecks } from '../db/queries/checks';
import { monitorSummaries, type MonitorSummary } from '../db/queries/status';

/** Percent with 4 decimals, rounded down: 99.99996 % must not read as 100 %. */
export function percentDown(ratio: number | null): number | null {
	return ratio === null ? null : Math.floor(ratio * 1_000_000) / 10_000;
}

function present(s: MonitorSummary) {
	return {
		tag: s.tag,
		name: s.name,
		description: s.description,
		group: s.group,
		status: s.status,
		latency: s.latency,
		lastCheck: s.lastCheck?.toISOString() ?? null,
		since: s.since?.toISOString() ?? null,
		uptime: {
			'24h': percentDown(s.uptime['24h']),
			'7d': percentDown(s.uptime['7d']),
			'30d': percentDown(s.uptime['30d']),
			'90d': percentDown(s.uptime['90d'])
		}
	};
}

export async function listPublicMonitors(db: Db, timeZone: string) {
	const rows = await monitorSummaries(db, { timeZone, publicOnly: true });
	return { monitors: rows.map(present) };
}

/** One public, active monitor with its recent checks; null when unknown or hidden. */
export async function getPublicMonitor(db: Db, timeZone: string, tag: string, limit = 60) {
	const m = await getMonitorByTag(db, tag);
	if (!m || !m.isPublic || !m.active) return null;
	const [summary] = await monitorSummaries(db, { timeZone, publicOnly: true, tags: [tag] });
	if (!summary) return null;
	const checks = await recentChecks(db, m.id, limit);
	return {
		...present(summary),
		checks: checks.map((c) => ({ ts: c.ts.toISOString(), status: c.status, latency: c.latency, error: publicError(c.error, m.showHosts) }))
	};
}
