// The public pages' reads: each one runs its queries (db/queries) and hands
// the rows to its view model (pages/), so a route's load calls one function.
import type { Db } from './db/index';
import { BAR_DAYS } from '$lib/bar';
import { lastDays } from '$lib/time';
import { barCounts, dayCountsOf, dayRows } from './db/queries/days';
import { hourCountsSince, hourRows } from './db/queries/hours';
import { checkPointsSince, latestPings } from './db/queries/checks';
import { statusChangesPage } from './db/queries/status-changes';
import { publicMonitorByTag, publicMonitorWithState, publicStatusNow, windowStart } from './db/queries/status';
import { calendar } from './pages/bar';
import { homeView } from './pages/home';
import type { HomeData } from '$lib/types';
import type { NoticesData } from './notices/cache';
import { dayIncidentLines, incidentDays, monitorNotices, packMarks } from './pages/monitor-notices';
import { monitorDaysView } from './pages/days';
import { CHANGES_PER_PAGE, monitorPageDays, monitorView, parseOlder } from './pages/monitor';
import { checkSeries, daySeries, hourSeries, rangeBuckets, type LatencySeries, type Range } from './pages/latency';
import { bucketStarts, locationLines, type LocationLine, type LocationSample } from './pages/location-latency';
import { locationHoursSince, locationPointsSince } from './db/queries/location-history';
import { anyLocation } from './db/queries/locations';

/** The home page: two queries whatever the monitor count (finished days cached for a minute). */
/**
 * The home page: two queries whatever the monitor count (finished days cached
 * for a minute); incidents and maintenance come from memory (notices/cache.ts).
 */
export async function homeData(
	db: Db,
	opts: { title: string; timeZone: string; now?: Date; notices?: Pick<NoticesData, 'incidents' | 'maintenances'> }
): Promise<HomeData> {
	const now = opts.now ?? new Date();
	const cal = calendar(BAR_DAYS, now, opts.timeZone);
	const [list, counts] = await Promise.all([publicStatusNow(db), barCounts(db, cal)]);
	return homeView(list, counts, cal, { title: opts.title, timeZone: opts.timeZone, now, notices: opts.notices });
}

type NoticeLists = Pick<NoticesData, 'incidents' | 'maintenances'>;
const NO_NOTICES: NoticeLists = { incidents: [], maintenances: [] };

/** The page of a public monitor, or null for an unknown or hidden tag; its incidents and windows from memory. */
export async function monitorPage(
	db: Db,
	opts: { tag: string; timeZone: string; now?: Date; older?: string | null; range?: string | null; notices?: NoticeLists }
) {
	const now = opts.now ?? new Date();
	const m = await publicMonitorWithState(db, opts.tag);
	if (!m) return null;
	const { days, windowStart: firstDayStart } = monitorPageDays(opts.timeZone, now);
	const older = parseOlder(opts.older, now);
	const [hours, byDay, changes, pings] = await Promise.all([
		hourCountsSince(db, m.id, windowStart('24h', now, opts.timeZone)),
		dayCountsOf(db, m.id, days[0]),
		statusChangesPage(db, m.id, { from: new Date(firstDayStart), before: older, limit: CHANGES_PER_PAGE + 1 }),
		m.showHosts ? latestPings(db, m.id) : Promise.resolve([])
	]);
	const view = monitorView(m, { hours, byDay, changes, pings }, { timeZone: opts.timeZone, now, older, range: opts.range });
	const notices = opts.notices ?? NO_NOTICES;
	const marks = incidentDays(notices.incidents, days, now, opts.timeZone).get(m.tag);
	return { ...view, notices: monitorNotices(m.tag, notices, now, opts.timeZone), marks: packMarks(marks) };
}

/** The tooltips of one public monitor's 90 days, oldest first, with the incidents of each; null for an unknown or hidden tag. */
export async function monitorDays(db: Db, tag: string, timeZone: string, now = new Date(), notices: NoticeLists = NO_NOTICES) {
	const m = await publicMonitorByTag(db, tag);
	if (!m) return null;
	const days = lastDays(BAR_DAYS, now, timeZone);
	const byDay = await dayCountsOf(db, m.id, days[0]);
	const view = monitorDaysView(m, byDay, timeZone, now);
	const marks = incidentDays(notices.incidents, days, now, timeZone).get(m.tag);
	if (marks) view.days.forEach((d, i) => d.lines.push(...dayIncidentLines(marks.get(i))));
	return view;
}

/** One monitor's latency series over a range (every bucket present), with a line per location when it has location results. */
export async function latencySeries(db: Db, monitorId: number, range: Range, timeZone: string, now = new Date()): Promise<LatencySeries> {
	const [series, lines] = await Promise.all([
		ownSeries(db, monitorId, range, timeZone, now),
		(await locationsKnown(db)) ? perLocation(db, monitorId, range, timeZone, now) : []
	]);
	return lines.length ? { ...series, locations: lines } : series;
}

// Most installs never run a located worker: their charts skip the location
// queries (one or two per request) after one cheap look, repeated each minute
// until a location appears, and never again once one has.
const LOCATIONS_LOOK_MS = 60_000;
const locationsSeen = new WeakMap<Db, { any: boolean; until: number }>();
async function locationsKnown(db: Db): Promise<boolean> {
	const c = locationsSeen.get(db);
	if (c && (c.any || Date.now() < c.until)) return c.any;
	const any = await anyLocation(db);
	locationsSeen.set(db, { any, until: Date.now() + LOCATIONS_LOOK_MS });
	return any;
}

async function ownSeries(db: Db, monitorId: number, range: Range, timeZone: string, now: Date): Promise<LatencySeries> {
	const b = rangeBuckets(range, timeZone, now);
	if (range === '24h') return checkSeries(await checkPointsSince(db, monitorId, new Date(b.from)), timeZone, now);
	if (range === '7d' || range === '30d')
		return hourSeries(range, await hourRows(db, monitorId, new Date(b.from), new Date(now.getTime() + 3_600_000)), timeZone, now);
	return daySeries(await dayRows(db, monitorId, b.days[0]), timeZone, now);
}

/** Latency per location over the range: raw slots for 24 h, hours (folded and raw) beyond. */
async function perLocation(db: Db, monitorId: number, range: Range, timeZone: string, now: Date): Promise<LocationLine[]> {
	const starts = bucketStarts(range, timeZone, now);
	const from = new Date(starts[0]);
	const samples: LocationSample[] =
		range === '24h'
			? (await locationPointsSince(db, monitorId, from)).map((p) => ({
					t: p.ts.getTime(),
					location: p.location,
					sum: p.latency ?? 0,
					count: p.latency === null ? 0 : 1
				}))
			: (await locationHoursSince(db, monitorId, from)).map((h) => ({
					t: h.hour.getTime(),
					location: h.location,
					sum: h.latencySum,
					count: h.latencyCount
				}));
	return locationLines(samples, starts, now.getTime());
}

/** The latency series of a public monitor, or null for an unknown or hidden tag. */
export async function publicLatencySeries(db: Db, tag: string, range: Range, timeZone: string, now = new Date()) {
	const m = await publicMonitorByTag(db, tag);
	return m ? latencySeries(db, m.id, range, timeZone, now) : null;
}
