// Data for the embed widget (/embed/{tag}): the snapshot says whether the tag
// is public (and gives status and uptime), one query reads its 90 days.
import type { App } from '../app';
import { dayRollups } from '../db/queries/days';
import { getMonitorByTag } from '../db/queries/monitors';
import { checkCron } from '../monitors/cron';
import { dayKey, windowStartDay } from '../../time';
import { dayClass, lastDays, type DayClass } from '../../components/embed/days';

export const EMBED_DAYS = 90;

export interface EmbedData {
	tag: string;
	name: string;
	status: string | null;
	since: string | null;
	uptime90: number | null;
	uptime30: number | null;
	/** One class per day, oldest first, today last. */
	days: DayClass[];
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
	const cron = checkCron(row.cron, tz);
	const slotMinutes = cron.ok ? cron.intervalMs / 60_000 : 1;
	const from = windowStartDay(EMBED_DAYS, now, tz);
	const rows = new Map((await dayRollups(app.database.db, m.id, from)).map((r) => [r.day, r]));
	const today = dayKey(now, tz);
	const days = lastDays(today, EMBED_DAYS).map((d) => dayClass(rows.get(d), slotMinutes));
	return {
		tag: m.tag,
		name: m.name,
		// No recent data is not the last status (issue 11.4).
		status: m.current ? m.status : null,
		since: m.since?.toISOString() ?? null,
		uptime90: m.uptime['90d'],
		uptime30: m.uptime['30d'],
		days,
		firstDay: from,
		today,
		timeZone: tz
	};
}
