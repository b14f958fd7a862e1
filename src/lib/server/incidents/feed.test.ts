import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { atomFeed, FEED_PATH, xmlEscape } from './feed';
import type { Incident, Maintenance } from './model';

const t = (s: string) => new Date(`2026-06-01T${s}:00Z`);
const incident: Incident = {
	id: '7',
	title: 'Payments <down> & "slow" for \'some\'',
	impact: 'major',
	state: 'monitoring',
	startedAt: t('10:00'),
	resolvedAt: null,
	monitors: [{ tag: 'pay', name: 'Payments & co', impact: 'critical' }],
	updates: [
		{ id: 'u1', state: 'investigating', body: 'Looking <script>alert(1)</script> & **more**', createdAt: t('10:05'), author: 'ana' },
		{
			id: 'u2',
			state: 'monitoring',
			body: 'Fix deployed, see [notes](https://example.com/n?a=1&b=2).',
			createdAt: t('10:40'),
			author: 'ana',
			updatedAt: t('10:45')
		}
	],
	postmortem: null
};
const maintenance: Maintenance = {
	id: 'm1',
	title: 'DB upgrade',
	description: 'Upgrading.',
	monitors: [{ tag: 'db', name: 'Database' }],
	window: { start: t('22:00'), end: t('23:00') },
	createdAt: t('09:00'),
	updatedAt: t('09:30')
};
const input = {
	siteUrl: 'https://status.example.com/',
	title: 'Acme <status>',
	incidents: [incident],
	maintenances: [maintenance],
	now: t('12:00')
};

describe('atomFeed', () => {
	const xml = atomFeed(input);
	const feed = parseFeed(xml);

	it('is well-formed XML and parses as an Atom feed', () => {
		expect(XMLValidator.validate(xml)).toBe(true);
		expect(feed.meta.type).toBe('atom');
		expect(feed.title).toBe('Acme <status>');
		expect(feed.self).toBe(`https://status.example.com${FEED_PATH}`);
		expect(feed.url).toBe('https://status.example.com/');
		// The feed's updated is its newest entry's, not the clock.
		expect(feed.updated?.toISOString()).toBe('2026-06-01T10:45:00.000Z');
	});

	it('has one entry per incident and maintenance, newest update first, with titles, links and times', () => {
		expect(feed.items.map((i) => [i.title, i.url, i.updated?.toISOString(), i.published?.toISOString()])).toEqual([
			[
				'Payments <down> & "slow" for \'some\'',
				'https://status.example.com/incidents/7',
				'2026-06-01T10:45:00.000Z',
				'2026-06-01T10:00:00.000Z'
			],
			['DB upgrade', 'https://status.example.com/maintenance/m1', '2026-06-01T09:30:00.000Z', '2026-06-01T09:00:00.000Z']
		]);
		expect(feed.items[0].categories.map((c) => c.term)).toEqual(['monitoring']);
	});

	it('a title with <&>" round-trips', () => {
		const tricky = 'a <b> & "c" \'d\' </title><script>x</script>';
		const one = parseFeed(atomFeed({ ...input, incidents: [{ ...incident, title: tricky }], maintenances: [] }));
		expect(one.items[0].title).toBe(tricky);
	});

	it('entry ids are tag: URIs, stable per incident while it gets updates', () => {
		const id = feed.items[0].id;
		expect(id).toBe('tag:status.example.com,2026-06-01:incident/7');
		const later = parseFeed(
			atomFeed({
				...input,
				incidents: [
					{
						...incident,
						state: 'resolved',
						resolvedAt: t('11:00'),
						updates: [...incident.updates, { id: 'u3', state: 'resolved', body: 'Done.', createdAt: t('11:00'), author: null }]
					}
				]
			})
		);
		expect(later.items[0].id).toBe(id);
		expect(later.items[0].updated?.toISOString()).toBe('2026-06-01T11:00:00.000Z');
		expect(feed.items[1].id).toBe('tag:status.example.com,2026-06-01:maintenance/m1');
	});

	it('carries the timeline as escaped HTML, with no script from an update', () => {
		// feed-parser decodes HTML entities inside content too, so the HTML is
		// read with a strict XML parser that unescapes exactly once.
		const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
		const html: string = doc.feed.entry[0].content['#text'];
		expect(html).toContain('<h3>Monitoring · 2026-06-01T10:40:00.000Z</h3>');
		expect(html).toContain('<a href="https://example.com/n?a=1&amp;b=2" rel="nofollow noopener">notes</a>');
		expect(html).toContain('Looking &lt;script&gt;alert(1)&lt;/script&gt; &amp; <strong>more</strong>');
		expect(html).not.toContain('<script');
		expect(html.indexOf('Fix deployed')).toBeLessThan(html.indexOf('Looking'));
		expect(doc.feed.entry[0].content['@_type']).toBe('html');
	});

	it('drops characters XML cannot hold, so the feed stays readable', () => {
		const xml2 = atomFeed({ ...input, incidents: [{ ...incident, title: 'bell\u0007 here' }] });
		expect(XMLValidator.validate(xml2)).toBe(true);
		expect(parseFeed(xml2).items[0].title).toBe('bell here');
		expect(xmlEscape('\uD800x')).toBe('x');
	});

	it('an empty feed is still valid, updated at now', () => {
		const empty = atomFeed({ ...input, incidents: [], maintenances: [] });
		expect(XMLValidator.validate(empty)).toBe(true);
		const parsed = parseFeed(empty);
		expect(parsed.items).toEqual([]);
		expect(parsed.updated?.toISOString()).toBe('2026-06-01T12:00:00.000Z');
	});

	it('renders only the entries it keeps: 2,000 incidents with long updates cost what 50 do', () => {
		// Memory keeps 100 days of incidents; the feed is public and answered per request.
		const body = `${'Some **words** and a [link](https://example.com). '.repeat(150)}\n\n`.repeat(2);
		const many: Incident[] = Array.from({ length: 2000 }, (_, k) => ({
			...incident,
			id: String(k + 1),
			startedAt: new Date(t('10:00').getTime() - k * 60_000),
			updates: [{ id: `u${k}`, state: 'investigating', body, createdAt: new Date(t('10:00').getTime() - k * 60_000), author: null }]
		}));
		const started = performance.now();
		const xml2 = atomFeed({ ...input, incidents: many, maintenances: [] });
		const ms = performance.now() - started;
		const items = parseFeed(xml2).items;
		expect(items).toHaveLength(50);
		expect(items[0].url).toBe('https://status.example.com/incidents/1');
		// Rendering all 2,000 takes several seconds; the 50 kept, a small fraction of one.
		expect(ms).toBeLessThan(3000);
	});
});
