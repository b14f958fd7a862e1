// The Atom 1.0 feed (RFC 4287) of incidents and maintenance, built from plain
// objects so the route only has to serve the string. One entry per incident
// and one per maintenance (not per occurrence of a recurring window: a
// nightly window would bury the incidents). Entry ids are tag: URIs (RFC
// 4151) from the site's host, the day the item was entered and its id, so an
// entry keeps its id while it is updated and a reader shows it as changed,
// not as new.
import { renderMarkdown } from './markdown';
import type { Incident, IncidentState, Maintenance } from './model';
import { nextOccurrences } from '../maintenance/recurrence';

/** Where the routes serve the feed (the home page links it with rel="alternate"). */
export const FEED_PATH = '/feed.atom';
export const FEED_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';
/** Newest entries kept, as feed readers poll the whole document. */
export const FEED_LIMIT = 50;

export interface FeedInput {
	/** Absolute site URL, e.g. "https://status.example.com". */
	siteUrl: string;
	/** The site's name: the feed's title and author. */
	title: string;
	incidents: Incident[];
	maintenances: Maintenance[];
	/** Only for a feed with no entries, which still needs an updated time. */
	now: Date;
}

// XML 1.0 cannot carry these at all, escaped or not: dropped so one stray
// control character in a title cannot make the whole feed unreadable.
const NOT_XML =
	// eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters: they are what this removes
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for an element or a double-quoted attribute. */
export function xmlEscape(s: string): string {
	return s
		.replace(NOT_XML, '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

const at = (d: Date) => d.toISOString();
const el = (name: string, text: string, attrs = '') => `<${name}${attrs}>${xmlEscape(text)}</${name}>`;
const STATE_WORD: Record<IncidentState, string> = {
	investigating: 'Investigating',
	identified: 'Identified',
	monitoring: 'Monitoring',
	resolved: 'Resolved'
};

function tagUri(host: string, created: Date, kind: string, id: string): string {
	return `tag:${host},${created.toISOString().slice(0, 10)}:${kind}/${encodeURIComponent(id)}`;
}

interface Entry {
	id: string;
	title: string;
	link: string;
	published: Date;
	updated: Date;
	category: string;
	/** HTML, escaped into the entry as type="html" content. */
	html: string;
}

/** Updated is the latest update (or edit), so a reader shows the incident again when it moves. */
function incidentUpdated(i: Incident): Date {
	const times = [i.startedAt, i.resolvedAt, ...i.updates.flatMap((u) => [u.createdAt, u.updatedAt])].filter((d): d is Date => !!d);
	return new Date(Math.max(...times.map((d) => d.getTime())));
}

function incidentEntry(i: Incident, site: string, host: string): Entry {
	const updates = [...i.updates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
	const timeline = updates.map((u) => `<h3>${xmlEscape(STATE_WORD[u.state])} · ${at(u.createdAt)}</h3>\n${renderMarkdown(u.body)}`);
	const affected = i.monitors.length ? `<p>Affected: ${i.monitors.map((m) => xmlEscape(`${m.name} (${m.impact})`)).join(', ')}</p>\n` : '';
	const postmortem = i.postmortem?.trim() ? `<h3>Postmortem</h3>\n${renderMarkdown(i.postmortem)}` : '';
	return {
		id: tagUri(host, i.createdAt ?? i.startedAt, 'incident', i.id),
		title: i.title,
		link: `${site}/incidents/${encodeURIComponent(i.id)}`,
		published: i.startedAt,
		updated: incidentUpdated(i),
		category: i.state,
		html: affected + postmortem + timeline.join('\n')
	};
}

function maintenanceEntry(m: Maintenance, site: string, host: string, now: Date): Entry {
	const w = m.window;
	const [next] = nextOccurrences(w, now, 1);
	const when =
		'rrule' in w
			? `Recurring (${w.rrule}) from ${w.dtstart} ${w.timeZone}, ${w.durationMinutes} minutes each` +
				(next ? `; next ${at(next.start)} to ${at(next.end)}` : '; no further occurrences')
			: `From ${at(w.start)} to ${at(w.end)}`;
	const affected = m.monitors.length ? `<p>Affected: ${m.monitors.map((c) => xmlEscape(c.name)).join(', ')}</p>\n` : '';
	return {
		id: tagUri(host, m.createdAt, 'maintenance', m.id),
		title: m.title,
		link: `${site}/maintenance/${encodeURIComponent(m.id)}`,
		published: m.createdAt,
		updated: m.updatedAt,
		category: 'maintenance',
		html: `<p>${xmlEscape(when)}</p>\n${affected}${renderMarkdown(m.description)}`
	};
}

/** The feed as an XML string. */
export function atomFeed(input: FeedInput): string {
	const site = input.siteUrl.replace(/\/+$/, '');
	const host = new URL(site).hostname;
	// The newest FEED_LIMIT are picked before any is rendered: memory holds up to
	// 100 days of incidents, and rendering every one's Markdown per request to
	// keep 50 cost a third of a second at a few thousand.
	const candidates = [
		...input.incidents.map((i) => ({
			updated: incidentUpdated(i),
			id: tagUri(host, i.createdAt ?? i.startedAt, 'incident', i.id),
			make: () => incidentEntry(i, site, host)
		})),
		...input.maintenances.map((m) => ({
			updated: m.updatedAt,
			id: tagUri(host, m.createdAt, 'maintenance', m.id),
			make: () => maintenanceEntry(m, site, host, input.now)
		}))
	];
	const entries = candidates
		.sort((a, b) => b.updated.getTime() - a.updated.getTime() || a.id.localeCompare(b.id))
		.slice(0, FEED_LIMIT)
		.map((c) => c.make());
	// The newest entry, not the clock: the document (and its ETag) changes only when an entry does.
	const updated = entries.length ? entries[0].updated : input.now;
	const lines = [
		'<?xml version="1.0" encoding="utf-8"?>',
		'<feed xmlns="http://www.w3.org/2005/Atom">',
		el('id', `${site}${FEED_PATH}`),
		el('title', input.title),
		el('subtitle', `Incidents and maintenance of ${input.title}`),
		el('updated', at(updated)),
		`<link rel="self" type="application/atom+xml" href="${xmlEscape(`${site}${FEED_PATH}`)}"/>`,
		`<link rel="alternate" type="text/html" href="${xmlEscape(`${site}/`)}"/>`,
		`<author>${el('name', input.title)}${el('uri', `${site}/`)}</author>`,
		el('generator', 'Porthole'),
		...entries.map((e) =>
			[
				'<entry>',
				el('id', e.id),
				el('title', e.title, ' type="text"'),
				`<link rel="alternate" type="text/html" href="${xmlEscape(e.link)}"/>`,
				el('published', at(e.published)),
				el('updated', at(e.updated)),
				`<category term="${xmlEscape(e.category)}"/>`,
				el('content', e.html, ' type="html"'),
				'</entry>'
			].join('')
		),
		'</feed>',
		''
	];
	return lines.join('\n');
}
