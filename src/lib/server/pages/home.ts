// The public home page from its rows: every public, active monitor with its
// status now and its 90-day bar, grouped, with the banner. The rows come from
// two queries whatever the monitor count (db/queries: publicStatusNow, barCounts).
import type { Shown } from '$lib/status';
import { clock, zoneLabel } from '$lib/time';
import { emptyDayArrays, type DayArrays, type StatusCounts } from '../db/queries/days';
import { statusNow, slotMs } from '../current';
import { rowBar, type Calendar } from './bar';
import { banner, REFRESH_SECONDS } from './banner';
import type { HomeData, HomeGroup, HomeRow } from '$lib/types';
import { packRow } from '$lib/row-html';
import type { Incident, Maintenance } from '../incidents/model';
import { homeNotices } from './notices';
import { incidentDays, packMarks } from './monitor-notices';

/** Above this many monitors, only groups with trouble start open. */
export const OPEN_ALL_MAX = 50;

const RANK: Record<Shown, number> = { DOWN: 4, DEGRADED: 3, MAINTENANCE: 2, NODATA: 1, UP: 0 };

function groupSummary(rows: HomeRow[]): { summary: string; worst: Shown } {
	const n = (s: Shown) => rows.filter((r) => r.status === s).length;
	const worst = rows.reduce<Shown>((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), 'UP');
	const bits: string[] = [];
	if (n('DOWN')) bits.push(`✕ ${n('DOWN')} down`);
	if (n('DEGRADED')) bits.push(`▲ ${n('DEGRADED')} degraded`);
	if (n('MAINTENANCE')) bits.push(`${n('MAINTENANCE')} in maintenance`);
	if (n('NODATA')) bits.push(`${n('NODATA')} no data`);
	if (!bits.length) bits.push('✓ all operational');
	bits.push(`${rows.length} monitor${rows.length === 1 ? '' : 's'}`);
	return { summary: bits.join(' · '), worst };
}

/** A public monitor as the home page needs it (publicStatusNow's rows, in page order). */
export interface HomeMonitor {
	id: number;
	tag: string;
	name: string;
	description: string;
	group: string | null;
	cron: string;
	status: string | null;
	lastCheck: Date | null;
}

/** The home page from the monitors (in page order) and their day counts (barCounts over `cal`). */
export function homeView(
	list: HomeMonitor[],
	counts: { past: Map<number, DayArrays>; today: Map<number, StatusCounts> },
	cal: Calendar,
	opts: { title: string; timeZone: string; now: Date; notices?: { incidents: Incident[]; maintenances: Maintenance[] } }
): HomeData {
	const now = opts.now;
	const tz = opts.timeZone;
	const none = emptyDayArrays(cal.days.length);
	const noToday: StatusCounts = { up: 0, degraded: 0, down: 0, maintenance: 0 };

	const notices = opts.notices ?? { incidents: [], maintenances: [] };
	const marks = incidentDays(notices.incidents, cal.days, now, tz);
	const rows = list.map((m) => {
		const slot = slotMs(m.cron, tz);
		const r = rowBar(cal, slot, counts.past.get(m.id) ?? none, counts.today.get(m.id) ?? noToday);
		return {
			group: m.group,
			row: {
				tag: m.tag,
				name: m.name,
				description: m.description,
				status: statusNow(m.status, m.lastCheck, slot, now),
				bar: r.bar,
				uptime90: r.uptime90,
				uptime30: r.uptime30,
				...(marks.has(m.tag) ? { m: packMarks(marks.get(m.tag)) } : {})
			} satisfies HomeRow,
			lastCheck: m.lastCheck
		};
	});

	const groups: (HomeGroup & { full: HomeRow[] })[] = [];
	for (const r of rows) {
		let g = groups[groups.length - 1];
		if (!g || g.name !== r.group) groups.push((g = { name: r.group, rows: [], full: [], open: true, summary: '', worst: 'UP' }));
		g.full.push(r.row);
		g.rows.push(packRow(r.row));
	}
	for (const g of groups) {
		Object.assign(g, groupSummary(g.full));
		g.open = rows.length <= OPEN_ALL_MAX || g.worst !== 'UP';
	}

	const cards = homeNotices(notices, now, tz);
	return {
		title: opts.title,
		timeZone: tz,
		zone: zoneLabel(tz),
		updatedAt: now.toISOString(),
		updatedClock: clock(now, tz),
		refreshSeconds: REFRESH_SECONDS,
		firstDay: cal.days[0],
		banner: banner(
			rows.map((r) => ({ name: r.row.name, status: r.row.status, lastCheck: r.lastCheck })),
			now,
			tz,
			{ incidents: cards.incidents, maintenance: cards.ongoing }
		),
		notices: cards,
		groups: groups.map(({ full: _, ...g }) => g),
		count: rows.length
	};
}
