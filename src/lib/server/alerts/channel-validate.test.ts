import { smtpSecure, type EmailConfig } from '../alert-types';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../monitors/validate';
import { maskConfig, maskedLeft, maskSecret, maskUrl, unmask } from './channel-mask';
import { specToJson, validateChannel, validateChannelList, type ChannelSpec } from './channel-validate';

const lines = (input: unknown) => {
	const r = validateChannelList(input);
	return r.ok ? [] : r.errors.map(errorLine);
};
const hook = { name: 'ops-hook', type: 'webhook', url: 'https://example.com/hook', secret: 'a-secret-of-16-chars' };

describe('channel validation', () => {
	it('fills defaults per type: scope "monitors", storm threshold 5, port 587 with STARTTLS, 465 secure', () => {
		const r = validateChannelList([
			hook,
			{ name: 'slack', type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/XYZ', scope: 'all' },
			{ name: 'db', type: 'discord', url: 'http://127.0.0.1:9/x', scope: { group: 'Databases' }, stormThreshold: 2 },
			{ name: 'mail', type: 'email', host: 'smtp.example.com', from: 'ops@example.com', to: ['a@example.com'] },
			{
				name: 'mail465',
				type: 'email',
				host: 'smtp.example.com',
				port: 465,
				user: 'u',
				password: 'p',
				from: 'o@example.com',
				to: ['b@example.com']
			}
		]);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.value.map((c) => [c.name, c.scope, c.stormThreshold])).toEqual([
			['ops-hook', { kind: 'monitors' }, 5],
			['slack', { kind: 'all' }, 5],
			['db', { kind: 'group', group: 'Databases' }, 2],
			['mail', { kind: 'monitors' }, 5],
			['mail465', { kind: 'monitors' }, 5]
		]);
		// `secure` not given: stored absent, worked out from the port when sending.
		expect(smtpSecure(r.value[3].config as EmailConfig)).toBe(false);
		expect(smtpSecure(r.value[4].config as EmailConfig)).toBe(true);
		expect(r.value[3].config).toEqual({
			host: 'smtp.example.com',
			port: 587,
			user: null,
			password: null,
			from: 'ops@example.com',
			to: ['a@example.com']
		});
		expect(r.value[4].config).toMatchObject({ port: 465, user: 'u', password: 'p' });
		// Back to the spec's format and validated again: the same channel.
		const again = validateChannelList(r.value.map(specToJson));
		expect(again.ok && again.value).toEqual(r.value);
	});

	it('names each bad field with the value given', () => {
		expect(
			lines([
				{ ...hook, url: 'ftp://x' },
				{ ...hook, name: 'Has Caps', secret: 'short' },
				{ name: 'x', type: 'pager' },
				{ name: 's', type: 'slack', url: 'http://hooks.slack.com/x' },
				{ name: 'm', type: 'email', host: 'h', user: 'u', from: 'nope', to: [] },
				{ ...hook, name: 'y', stormThreshold: 1, scope: 'some', colour: 'red' },
				'not an object'
			])
		).toEqual([
			'channels[0].url: must be an http(s) URL, got "ftp://x"',
			'channels[1].name: must be 1-64 lowercase letters, digits, "-" or "_", got "Has Caps"',
			'channels[1].secret: must be at least 16 characters',
			'channels[2].type: must be one of "webhook", "slack", "discord", "email", got "pager"',
			'channels[3].url: must be an https URL (http only for localhost), got "http://hooks.slack.com/x"',
			'channels[4].from: must be an email address, got "nope"',
			'channels[4].to: needs at least one address',
			'channels[4].password: user and password go together: set both or neither',
			'channels[5].scope: must be "monitors", "all" or {"group": "<group name>"}, got "some"',
			'channels[5].stormThreshold: must be 0 (no grouping) or 2-1000, got 1',
			'channels[5].colour: unknown field',
			'channels[6]: must be an object with "name" and "type", got "not an object"'
		]);
	});

	it('refuses duplicate names, a file webhook without secret, and more than 50 recipients', () => {
		const to = Array.from({ length: 51 }, (_, i) => `r${i}@example.com`);
		expect(
			lines([
				hook,
				hook,
				{ name: 'nosecret', type: 'webhook', url: 'https://e.com' },
				{ name: 'm', type: 'email', host: 'h', from: 'a@b.co', to }
			])
		).toEqual([
			'channels[1].name: duplicate name "ops-hook" (also channels[0])',
			'channels[2].secret: is required (at least 16 characters)',
			'channels[3].to: at most 50 addresses'
		]);
		// Outside the file, a webhook may leave its secret out: the service makes one.
		const one = validateChannel({ name: 'nosecret', type: 'webhook', url: 'https://e.com' });
		expect(one.ok && one.value.config).toEqual({ url: 'https://e.com' });
	});
});

describe('channel masking', () => {
	const slackUrl = 'https://hooks.slack.com/services/T000/B000/abcdefghWXYZ';
	it('keeps scheme and host and the last 4 characters only', () => {
		expect(maskUrl(slackUrl)).toBe('https://hooks.slack.com/…WXYZ');
		expect(maskUrl('https://user:pw@example.com:8443/h?token=s3cr3tTOKEN')).toBe('https://example.com:8443/…OKEN');
		expect(maskUrl('http://127.0.0.1:9/')).toBe('http://127.0.0.1:9/…');
		expect(maskSecret('a-secret-of-16-chars')).toBe('…hars');
		const email = maskConfig({
			type: 'email',
			config: { host: 'h', port: 587, secure: false, user: 'u', password: 'hunter2-long', from: 'a@b.co', to: ['c@d.co'] }
		});
		expect(email).toMatchObject({ user: 'u', password: '…long' });
	});

	it('puts back a secret sent as its mask or left out while its URL stays, and takes a new one as given', () => {
		const stored: ChannelSpec = {
			name: 'h',
			type: 'webhook',
			config: { url: slackUrl, secret: 'a-secret-of-16-chars' },
			scope: { kind: 'all' },
			stormThreshold: 5
		};
		expect(unmask({ type: 'webhook', url: 'https://hooks.slack.com/…WXYZ', secret: '…hars' }, stored)).toMatchObject({
			url: slackUrl,
			secret: 'a-secret-of-16-chars'
		});
		// The secret stays with its URL: a new URL gets no stored secret (it must be given again).
		expect(unmask({ type: 'webhook', url: 'https://new.example.com/x', secret: '…hars' }, stored)).toEqual({
			type: 'webhook',
			url: 'https://new.example.com/x',
			secret: '…hars'
		});
		expect(unmask({ type: 'webhook', url: 'https://new.example.com/x' }, stored)).toEqual({
			type: 'webhook',
			url: 'https://new.example.com/x'
		});
		expect(unmask({ type: 'slack', url: 'https://hooks.slack.com/…WXYZ' }, stored)).toEqual({
			type: 'slack',
			url: 'https://hooks.slack.com/…WXYZ'
		});
	});

	it('refuses a URL with a line break, tab or space (the URL parser would drop them silently)', () => {
		for (const url of ['https://example.com/a\r\nX-Injected: 1', 'https://example.com/\ta', 'https://example.com/a b']) {
			expect(lines([{ name: 'h', type: 'webhook', url, secret: 'a-secret-of-16-chars' }])).toEqual([
				'channels[0].url: must not contain spaces, tabs, line breaks or other control characters'
			]);
		}
	});

	it('refuses an SMTP host that is not a host name and a user with a line break (each would reach the SMTP session or the log)', () => {
		const mail = { name: 'm', type: 'email', from: 'o@example.com', to: ['a@example.com'] };
		expect(lines([{ ...mail, host: 'smtp.example.com\r\nX-Injected: 1' }])).toEqual([
			'channels[0].host: must be a host name or IP address, got "smtp.example.com\\r\\nX-Injected: 1"'
		]);
		expect(lines([{ ...mail, host: 'smtp example.com' }])).toEqual([
			'channels[0].host: must be a host name or IP address, got "smtp example.com"'
		]);
		expect(lines([{ ...mail, host: ' 127.0.0.1 ' }])).toEqual([]);
		expect(lines([{ ...mail, host: 'localhost', user: 'u\r\nAUTH PLAIN', password: 'p' }])).toEqual([
			'channels[0].user: must not contain control characters (line breaks, tabs)'
		]);
	});

	it('names a secret field that still holds a mask, whatever its type', () => {
		expect(maskedLeft({ type: 'slack', url: 'https://hooks.slack.com/…WXYZ' })).toEqual([
			{
				path: 'url',
				message:
					'is a masked value ("https://hooks.slack.com/…WXYZ"), not this channel\'s own: send the full URL (a mask is kept only when sent back unchanged to the channel it came from)'
			}
		]);
		expect(maskedLeft({ type: 'email', password: '…' }).map((e) => e.path)).toEqual(['password']);
		expect(maskedLeft({ type: 'webhook', url: 'http://127.0.0.1:9/…', secret: '…abcd' }).map((e) => e.path)).toEqual(['url', 'secret']);
		// Real values, and types that are no type, pass through.
		expect(maskedLeft({ type: 'slack', url: 'https://hooks.slack.com/services/T/B/…abcdef' })).toEqual([]);
		expect(maskedLeft({ type: 'email', password: 'pa…ss' })).toEqual([]);
		expect(maskedLeft({ type: 'constructor', url: '…' })).toEqual([]);
	});
});
