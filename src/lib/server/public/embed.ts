// Data for the embed widget (/embed/{tag}): the snapshot says whether the tag
// is public (and gives status and uptime), one query reads its 90 days.
import type { App } from '../app';
import { dayRollups, type DayCounts } from '../db/queries/days';
import { getMonitorByTag } from '../db/queries/monitors';
import { barData, dayStats } from '../pages/bar';
import { slotMs } from '../current';
import type { BarData } from '$lib/types';
import { dayKey, windowStartDay } from '../../time';

export const EMBED_DAYS = 90;

export interface EmbedData {
	tag: string;
	name: string;
	status: string | null;
	since: string | null;
	uptime90: number | null;
	uptime30: number | null;
	/** The 90 days as the home page and monitor page draw them (class letters, partly checked days). */
	bar: BarData;
	firstDay: string;
	today: string;
	timeZone: string;
}

/** null when the tag is unknown, hidden or inactive: the page answers 404 either way. */
export async function loadEmbed(app: App, tag: string, now = new Date()): Promise<EmbedData | null> {
	const m = app.snapshot.current()?.byTag.get(tag);
	if (!m) return null;
	const row = await getMonitorByTag(app.database.db, tag);
	// The snapshot may be a few seconds old: a monitor hidden since then stays hidden.
	if (!row || !row.isPublic || !row.active || row.id !== m.id) return null;
	const tz = app.config.siteTimezone;
	const from = windowStartDay(EMBED_DAYS, now, tz);
	const rows = await dayRollups(app.database.db, m.id, from);
	const today = dayKey(now, tz);
	return {
		tag: m.tag,
		name: m.name,
		// No recent data is not the last status.
		status: m.current ? m.status : null,
		since: m.since?.toISOString() ?? null,
		uptime90: m.uptime['90d'],
		uptime30: m.uptime['30d'],
		bar: embedBar(rows, row.cron, tz, now),
		firstDay: from,
		today,
		timeZone: tz
	};
}

/** The embed's bar from its day rollups: the monitor page's days and rule, so the two never disagree. */
export function embedBar(rows: (DayCounts & { day: string })[], cron: string, timeZone: string, now: Date): BarData {
	const byDay = new Map(rows.map((r) => [r.day, r]));
	return barData(dayStats(byDay, { n: EMBED_DAYS, timeZone, slotMs: slotMs(cron, timeZone), now }));
}
