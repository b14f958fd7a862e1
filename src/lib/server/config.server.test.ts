import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe("server.js settings and adapter-node's client address", () => {
	it("defaults to adapter-node's HOST, PORT and SHUTDOWN_TIMEOUT", () => {
		expect(loadConfig({}).listen).toEqual({ host: '0.0.0.0', port: 3000, shutdownTimeoutSeconds: 30 });
		expect(loadConfig({ HOST: '127.0.0.1', PORT: '0', SHUTDOWN_TIMEOUT: '5' }).listen).toEqual({
			host: '127.0.0.1',
			port: 0,
			shutdownTimeoutSeconds: 5
		});
	});

	it('reads ADDRESS_HEADER (lower-cased) and XFF_DEPTH as adapter-node does', () => {
		expect(loadConfig({})).toMatchObject({ addressHeader: undefined, xffDepth: 1 });
		expect(loadConfig({ ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '2' })).toMatchObject({
			addressHeader: 'x-forwarded-for',
			xffDepth: 2
		});
	});

	it('hands CHANNELS_FILE the environment for its ${VAR} references, and nothing without the file', () => {
		const c = loadConfig({ CHANNELS_FILE: ' /etc/porthole/channels.json ', HOOK_SECRET: 's3cret' });
		expect(c.channelsFile).toBe('/etc/porthole/channels.json');
		expect(c.channelsEnv.HOOK_SECRET).toBe('s3cret');
		expect(Object.isFrozen(c.channelsEnv)).toBe(true);
		expect(loadConfig({ HOOK_SECRET: 's3cret' })).toMatchObject({ channelsFile: undefined, channelsEnv: {} });
	});

	it.each([
		['PORT', '65536', /PORT must be an integer 0-65535/],
		['PORT', 'http', /PORT must be an integer/],
		['XFF_DEPTH', '0', /XFF_DEPTH must be an integer 1-100/],
		['SHUTDOWN_TIMEOUT', '-1', /SHUTDOWN_TIMEOUT must be an integer/]
	])('refuses %s=%s with a message naming it', (name, v, message) => {
		expect(() => loadConfig({ [name]: v })).toThrow(ConfigError);
		expect(() => loadConfig({ [name]: v })).toThrow(message);
	});
});

describe('LOCATION', () => {
	it('is unset by default (no locations: the probe loop as before) and takes a name of a-z, 0-9 and "-"', () => {
		expect(loadConfig({}).location).toBeUndefined();
		expect(loadConfig({ LOCATION: '' }).location).toBeUndefined();
		expect(loadConfig({ LOCATION: 'eu-1' }).location).toBe('eu-1');
		expect(loadConfig({ LOCATION: 'a'.repeat(32) }).location).toBe('a'.repeat(32));
	});

	it.each(['EU-1', 'eu_1', 'eu 1', 'a'.repeat(33), 'é'])('refuses %j with a message naming LOCATION', (v) => {
		expect(() => loadConfig({ LOCATION: v })).toThrow(/LOCATION must be 1-32 characters a-z, 0-9 or "-"/);
	});
});
