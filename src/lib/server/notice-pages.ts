// The public pages of incidents and maintenance: one incident's timeline,
// one window, the history, and the Atom feed. Recent ones come from memory
// (notices/cache.ts); an incident or window older than it keeps, and the
// history's pages, are read from the database (public view only).
import type { Db } from './db/index';
import { atomFeed, FEED_CONTENT_TYPE } from './incidents/feed';
import type { Incident, Maintenance } from './incidents/model';
import type { Notices } from './notices/cache';
import { getIncident, getMaintenance, listIncidents, listMaintenances, parseId } from './notices/service';
import { historyView, HISTORY_PER_PAGE, parsePage, type HistoryView } from './pages/history';
import { incidentPage, maintenancePage } from './pages/incident';
import { etagMatches, withEtag } from './public/http';

export interface NoticePagesApp {
	database: { db: Db };
	notices: Pick<Notices, 'current'>;
	config: { siteTitle: string; siteTimezone: string };
}

/** From memory when it is there; else the database (null for an unknown id). */
async function find<T extends { id: string }>(list: T[], rawId: string, read: () => Promise<T | null>): Promise<T | null> {
	if (parseId(rawId) === null) return null;
	return list.find((x) => x.id === rawId) ?? (await read());
}

export async function incidentPageData(app: NoticePagesApp, rawId: string, now = new Date()) {
	const i: Incident | null = await find(app.notices.current().incidents, rawId, () => getIncident(app.database.db, rawId, true));
	return i ? incidentPage(i, now, app.config.siteTimezone) : null;
}

export async function maintenancePageData(app: NoticePagesApp, rawId: string, now = new Date()) {
	const m: Maintenance | null = await find(app.notices.current().maintenances, rawId, () => getMaintenance(app.database.db, rawId, true));
	return m ? maintenancePage(m, now, app.config.siteTimezone) : null;
}

/** One page of /history: the entries up to its end from both tables, merged by start; null when `?page=` is not a page. */
export async function historyData(app: NoticePagesApp, rawPage: string | null, now = new Date()): Promise<HistoryView | null> {
	const page = parsePage(rawPage);
	if (page === null) return null;
	const limit = page * HISTORY_PER_PAGE + 1;
	const db = app.database.db;
	const [incidents, maintenances] = await Promise.all([
		listIncidents(db, { limit, publicOnly: true }),
		// Windows that have begun: future ones are not history, and must not take the page's places.
		listMaintenances(db, { before: new Date(now.getTime() + 1), limit, publicOnly: true })
	]);
	return historyView(incidents, maintenances, { page, now, timeZone: app.config.siteTimezone });
}

/** /feed.atom from memory, with an ETag (feed readers poll with If-None-Match). */
export function feedResponse(app: NoticePagesApp, origin: string, ifNoneMatch: string | null, now = new Date()): Response {
	const { incidents, maintenances } = app.notices.current();
	const body = withEtag(atomFeed({ siteUrl: origin, title: app.config.siteTitle, incidents, maintenances, now }), FEED_CONTENT_TYPE);
	const headers = { etag: body.etag, 'cache-control': 'public, max-age=60' };
	if (etagMatches(ifNoneMatch, body.etag)) return new Response(null, { status: 304, headers });
	return new Response(body.body, { headers: { ...headers, 'content-type': body.contentType } });
}
