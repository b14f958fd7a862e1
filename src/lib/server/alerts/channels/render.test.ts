import { describe, expect, it } from 'vitest';
import { discord } from './discord';
import { renderEmail } from './email';
import { slack } from './slack';
import type { Outgoing } from './types';
import { digestBody, webhookBody } from './webhook';

const down = (tag: string, name = `Monitor ${tag}`) => ({
	idempotencyKey: `porthole-${tag}-down`,
	payload: { kind: 'down', monitor: { tag, name }, status: 'DOWN', at: '2026-06-01T12:01:00.000Z', since: '2026-06-01T12:00:00.000Z' }
});
const one = (m = down('db', 'Database')): Outgoing => ({ key: m.idempotencyKey, messages: [m], digest: false });
const storm = (n: number, name = (i: number) => `Monitor ${i}`): Outgoing => ({
	key: 'porthole-digest-1-1-abc',
	messages: Array.from({ length: n }, (_, i) => down(`m${i}`, name(i))),
	digest: true
});

describe('webhook bodies', () => {
	it('adds the reminder count after since, and a test message carries its channel, keys in order', () => {
		const reminder = JSON.parse(
			webhookBody({
				idempotencyKey: 'k',
				payload: { reminder: 2, since: 's', at: 'a', status: 'DOWN', monitor: { name: 'D', tag: 'd' }, kind: 'reminder' }
			})
		);
		expect(Object.keys(reminder)).toEqual(['version', 'id', 'kind', 'monitor', 'status', 'at', 'since', 'reminder']);
		expect(reminder.reminder).toBe(2);
		expect(webhookBody({ idempotencyKey: 't', payload: { channel: { name: 'ops' }, at: 'a', kind: 'test' } })).toBe(
			'{"version":1,"id":"t","kind":"test","at":"a","channel":{"name":"ops"}}'
		);
	});

	it('writes a digest as the batch key and every message as it would go alone', () => {
		const out = storm(3);
		const body = JSON.parse(digestBody(out));
		expect(Object.keys(body)).toEqual(['version', 'id', 'kind', 'messages']);
		expect(body).toMatchObject({ version: 1, id: out.key, kind: 'digest' });
		expect(body.messages).toEqual(out.messages.map((m) => JSON.parse(webhookBody(m))));
	});
});

describe('Slack payloads', () => {
	it('sends text as the fallback and a section, escaping &, < and >', () => {
		const p = slack.render(one(down('db', 'A <b> & C')), { url: '' });
		expect(p.text).toBe('🔴 A <b> & C (db) is DOWN since 2026-06-01 12:00:00 UTC');
		expect(p.blocks[0]).toEqual({
			type: 'section',
			text: { type: 'mrkdwn', text: '🔴 *DOWN*: A &lt;b&gt; &amp; C (db) is DOWN since 2026-06-01 12:00:00 UTC' }
		});
		expect(JSON.stringify(p.blocks[1])).toContain('porthole-db-down');
	});

	it('lists a digest within Slack limits: every monitor of a small one, "and N more" of a huge one', () => {
		const small = slack.render(storm(30), { url: '' });
		expect(small.text).toBe('🚨 30 alerts at once: 30 DOWN');
		const listed = JSON.stringify(small.blocks);
		for (let i = 0; i < 30; i++) expect(listed).toContain(`Monitor ${i} (m${i})`);

		const huge = slack.render(
			storm(1000, (i) => `A rather long monitor name number ${i} in the west datacentre`),
			{ url: '' }
		);
		expect(huge.blocks.length).toBeLessThanOrEqual(50);
		const texts = huge.blocks.flatMap((b) => (b.type === 'section' ? [(b.text as { text: string }).text] : []));
		for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
		const shown = texts
			.join('\n')
			.split('\n')
			.filter((l) => l.startsWith('🔴')).length;
		expect(shown).toBeGreaterThan(50);
		expect(texts.join('\n')).toContain(`…and ${1000 - shown} more`);
	});
});

describe('Discord payloads', () => {
	it('sends content and an embed in the kind colour, mentions off, markdown escaped', () => {
		const p = discord.render(one(down('db', '@everyone *bold*')), { url: '' });
		expect(p.content).toBe('🔴 @everyone \\*bold\\* (db) is DOWN since 2026-06-01 12:00:00 UTC');
		expect(p.allowed_mentions).toEqual({ parse: [] });
		expect(p.embeds).toHaveLength(1);
		expect(p.embeds[0]).toMatchObject({ title: 'DOWN: @everyone *bold* (db)', color: 0xd92d20, timestamp: '2026-06-01T12:01:00.000Z' });
	});

	it('keeps a huge digest within 2000 content characters, 10 embeds and 6000 embed characters', () => {
		const p = discord.render(storm(1000), { url: '' });
		expect(p.content.length).toBeLessThanOrEqual(2000);
		expect(p.embeds.length).toBeLessThanOrEqual(10);
		const total = p.embeds.reduce((n, e) => n + e.title.length + e.description.length + e.footer.text.length, 0);
		expect(total).toBeLessThanOrEqual(6000);
		expect(p.embeds[0].description.length).toBeLessThanOrEqual(4096);
		expect(p.embeds[0].description).toMatch(/…and \d+ more$/);
		expect(p.embeds[0].description).toContain('Monitor 0 (m0)');
	});
});

describe('email', () => {
	it('has a subject naming kind and monitor, both parts, HTML escaped, the key in Message-ID and a header', () => {
		const mail = renderEmail(one(down('db', 'A <script>x</script>\r\nBcc: evil')));
		expect(mail.subject).toBe('[Porthole] DOWN: A <script>x</script> Bcc: evil (db)');
		expect(mail.text).toContain('is DOWN since 2026-06-01 12:00:00 UTC');
		expect(mail.html).toContain('A &lt;script&gt;x&lt;/script&gt;');
		expect(mail.html).not.toContain('<script>');
		expect(mail.messageId).toBe('<porthole-db-down@porthole>');
		expect(mail.headers).toEqual({ 'X-Porthole-Idempotency-Key': 'porthole-db-down' });
	});

	it('lists every message of a digest', () => {
		const mail = renderEmail(storm(30));
		expect(mail.subject).toBe('[Porthole] 30 alerts at once: 30 DOWN');
		expect(mail.text.split('\n').filter((l) => l.startsWith('- DOWN: '))).toHaveLength(30);
		expect(mail.html.match(/<li /g)).toHaveLength(30);
	});
});
