import { describe, expect, it } from 'vitest';
import { ChannelsFileError, parseChannelsFile } from './channels-file';

const parse = (spec: unknown, env: Record<string, string | undefined>) => parseChannelsFile('channels.json', JSON.stringify(spec), env);
const messageOf = (fn: () => unknown) => {
	try {
		fn();
	} catch (err) {
		expect(err).toBeInstanceOf(ChannelsFileError);
		return (err as Error).message;
	}
	throw new Error('did not throw');
};

describe('CHANNELS_FILE ${VAR}', () => {
	it('replaces ${VAR} in any string, nested too, and $${ writes a literal ${', () => {
		const [hook, mail] = parse(
			[
				{ name: 'hook', type: 'webhook', url: 'https://${HOOK_HOST}/in/${HOOK_PATH}', secret: '${HOOK_SECRET}' },
				{ name: 'mail', type: 'email', host: 'smtp.example.com', user: 'u', password: 'p$${x}q${SMTP_PW}', from: 'a@b.co', to: ['${TO}'] }
			],
			{ HOOK_HOST: 'example.com', HOOK_PATH: 'abc', HOOK_SECRET: 'sixteen-chars-long!', SMTP_PW: '!', TO: 'ops@example.com' }
		);
		expect(hook.config).toEqual({ url: 'https://example.com/in/abc', secret: 'sixteen-chars-long!' });
		expect(mail.config).toMatchObject({ password: 'p${x}q!', to: ['ops@example.com'] });
	});

	it('names the field and the variable when one is not set, and changes nothing else', () => {
		const msg = messageOf(() =>
			parse(
				[
					{ name: 'hook', type: 'webhook', url: 'https://e.com', secret: '${HOOK_SECRET}' },
					{ name: 'm', type: 'email', host: '${SMTP}', from: 'a@b.co', to: ['x@y.co'] }
				],
				{}
			)
		);
		expect(msg).toBe(
			'channels.json is invalid; nothing was changed:\n' +
				'  channels[0].secret: environment variable HOOK_SECRET is not set\n' +
				'  channels[1].host: environment variable SMTP is not set'
		);
	});

	it('refuses a reference that is not a variable name, bad JSON, and a file that is not a list', () => {
		expect(messageOf(() => parse([{ name: 'h', type: 'slack', url: 'https://e.com/${not-a-name}' }], {}))).toContain(
			'channels[0].url: "${not-a-name" is not a variable reference'
		);
		expect(messageOf(() => parseChannelsFile('c.json', '[{"name": ', {}))).toMatch(/not valid JSON/);
		expect(messageOf(() => parse({ name: 'x' }, {}))).toContain('channels: must be an array of channels');
		// Values from the environment are validated like any other.
		expect(messageOf(() => parse([{ name: 'h', type: 'slack', url: '${U}' }], { U: 'ftp://x' }))).toContain(
			'channels[0].url: must be an https URL (http only for localhost), got "ftp://x"'
		);
	});
});
