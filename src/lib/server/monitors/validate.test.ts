import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorLine, validateMonitor, validateMonitorList } from './validate';

const specMonitors = JSON.parse(readFileSync('tests/fixtures/spec-monitors.json', 'utf8'));
const base = { tag: 'db', name: 'DB', type: 'TCP', type_data: { hosts: [{ host: 'db.internal' }] } };
const withHost = (h: Record<string, unknown>) => ({ ...base, type_data: { hosts: [h] } });
const lines = (input: unknown) => {
	const r = validateMonitorList(input);
	return r.ok ? [] : r.errors.map(errorLine);
};

describe('monitor validation', () => {
	it('accepts every configuration in the spec as written', () => {
		expect(specMonitors).toHaveLength(6);
		const r = validateMonitorList(specMonitors);
		expect(r.ok).toBe(true);
		if (r.ok) expect(r.value.map((m) => m.type_data.hosts.length)).toEqual([1, 1, 3, 3, 1, 1]);
	});

	it('applies the spec defaults: type tcp, port 80, timeout 1000, default eval and cron', () => {
		const r = validateMonitor(base);
		expect(r.ok && r.value).toMatchObject({
			type_data: { hosts: [{ type: 'tcp', host: 'db.internal', port: 80, timeout: 1000 }] },
			eval: null,
			cron: '* * * * *',
			public: true,
			active: true
		});
	});

	it('takes Kener\'s "IP4" as "tcp" and keeps "IP6"', () => {
		const r = validateMonitorList([
			withHost({ type: 'IP4', host: '10.0.0.1' }),
			{ ...withHost({ type: 'IP6', host: '2001:db8::1' }), tag: 'v6' }
		]);
		expect(r.ok).toBe(true);
		if (r.ok) expect(r.value.map((m) => m.type_data.hosts[0].type)).toEqual(['tcp', 'IP6']);
	});

	it('names monitor, field and value for each bad host property', () => {
		const list = [base, base, withHost({ host: 'a.example', port: 70000 })];
		list[1] = { ...base, tag: 'second' };
		expect(lines(list)).toEqual(['monitors[2].type_data.hosts[0].port: must be 1-65535, got 70000']);
		expect(lines([withHost({ host: 'a', port: 0 })])).toEqual(['monitors[0].type_data.hosts[0].port: must be 1-65535, got 0']);
		expect(lines([withHost({ host: 'a', port: 80.5 })])[0]).toMatch(/port: must be a whole number 1-65535, got 80.5/);
		expect(lines([withHost({ host: 'a', port: '80' })])[0]).toMatch(/port: must be a number 1-65535, got "80"/);
		expect(lines([withHost({ host: 'a', timeout: 60001 })])[0]).toMatch(/timeout: must be 1-60000 ms, got 60001/);
		expect(lines([withHost({ host: 'a', type: 'udp' })])[0]).toMatch(/type: must be "tcp" \(IPv4\) or "IP6" \(IPv6\), got "udp"/);
		expect(lines([withHost({ host: '' })])).toEqual(['monitors[0].type_data.hosts[0].host: must not be empty']);
		expect(lines([withHost({ host: 'bad host!' })])[0]).toMatch(/host: must be a host name or IP address, got "bad host!"/);
		expect(lines([withHost({ host: 'a', prot: 1 })])).toEqual(['monitors[0].type_data.hosts[0].prot: unknown field']);
	});

	it('refuses an IP literal of the other family, since Node would dial it anyway', () => {
		expect(lines([withHost({ type: 'tcp', host: '::1' })])[0]).toMatch(/host: "::1" is an IPv6 address; use type "IP6"/);
		expect(lines([withHost({ type: 'IP6', host: '127.0.0.1' })])[0]).toMatch(/is an IPv4 address; use type "tcp"/);
	});

	it('checks the monitor fields', () => {
		expect(lines([{ ...base, tag: 'Bad Tag' }])[0]).toMatch(/^monitors\[0\]\.tag: must be 1-64 lowercase/);
		expect(lines([{ ...base, type: 'HTTP' }])).toEqual(['monitors[0].type: only "TCP" monitors are supported, got "HTTP"']);
		expect(lines([{ ...base, type_data: { hosts: [] } }])).toEqual(['monitors[0].type_data.hosts: needs at least one host']);
		expect(lines([{ ...base, cron: '* * * * * *' }])[0]).toMatch(/cron: runs every 1 s; the shortest allowed interval is 5 s/);
		expect(lines([{ ...base, public: 'yes' }])).toEqual(['monitors[0].public: must be true or false, got "yes"']);
		expect(lines([{ ...base, eval: 42 }])[0]).toMatch(/eval: must be the source of a function, got 42/);
		expect(lines([{ ...base, colour: 'red' }])).toEqual(['monitors[0].colour: unknown field']);
		expect(lines({})).toEqual(['monitors: must be an array of monitors, got {}']);
	});

	it('refuses NUL in any text field, which Postgres cannot store', () => {
		for (const f of ['name', 'description', 'eval', 'group']) {
			expect(lines([{ ...base, [f]: 'a\u0000b' }]), f).toEqual([`monitors[0].${f}: must not contain NUL characters (\\u0000)`]);
		}
		expect(lines([{ ...base, name: 'tab\there' }])).toEqual([]);
	});

	it('refuses duplicate tags, naming both places', () => {
		expect(lines([base, { ...base, name: 'again' }])).toEqual(['monitors[1].tag: duplicate tag "db" (also monitors[0])']);
	});
});

describe('host conversation fields (preset, send, expect, tls)', () => {
	const one = (h: Record<string, unknown>) => lines([withHost({ host: 'db.internal', ...h })]);
	const P = 'monitors[0].type_data.hosts[0]';

	it('keeps the given fields as written, and leaves them out when not given', () => {
		const r = validateMonitorList([
			withHost({ host: 'mail.example.com', port: 465, tls: true, preset: 'smtp' }),
			{ ...withHost({ host: 'cache', port: 6379, send: 'PING\r\n', expect: '/^\\+PONG/' }), tag: 'r' },
			{ ...withHost({ host: 'plain' }), tag: 'p' }
		]);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.value.map((m) => m.type_data.hosts[0])).toEqual([
			{ type: 'tcp', host: 'mail.example.com', port: 465, timeout: 1000, preset: 'smtp', tls: true },
			{ type: 'tcp', host: 'cache', port: 6379, timeout: 1000, send: 'PING\r\n', expect: '/^\\+PONG/' },
			{ type: 'tcp', host: 'plain', port: 80, timeout: 1000 }
		]);
		expect(Object.keys(r.value[2].type_data.hosts[0])).toEqual(['type', 'host', 'port', 'timeout']);
	});

	it('names the field of each mistake', () => {
		expect(one({ send: 'x'.repeat(1025), expect: '+OK' })).toEqual([`${P}.send: must be at most 1024 bytes`]);
		// bytes, not characters: 342 × 3-byte "€" = 1026 bytes
		expect(one({ send: '€'.repeat(342), expect: '+OK' })).toEqual([`${P}.send: must be at most 1024 bytes`]);
		expect(one({ preset: 'mysql' })).toEqual([
			`${P}.preset: unknown preset "mysql" (one of ssh, smtp, ftp, nats, imap, pop3, redis, memcached)`
		]);
		expect(one({ expect: '' })).toEqual([`${P}.expect: must not be empty (leave it out to check the port only)`]);
		expect(one({ send: 'PING\r\n' })).toEqual([`${P}.send: needs expect: what the answer must start with (or "/regex/")`]);
		expect(one({ preset: 'redis', expect: '+PONG' })).toEqual([
			`${P}.expect: cannot be given with preset "redis", which sets send and expect; drop one of them`
		]);
		expect(one({ tls: 'yes' })).toEqual([`${P}.tls: must be true or false, got "yes"`]);
		expect(one({ expect: 'x'.repeat(257) })).toEqual([`${P}.expect: must be at most 256 characters`]);
		expect(one({ send: 'a\u0000', expect: 'b' })).toEqual([`${P}.send: must not contain NUL characters (\\u0000)`]);
	});

	it('refuses regexes RE2 cannot run (lookaround, backreferences, bad syntax, unknown flags)', () => {
		expect(one({ expect: '/(?=SSH)/' })[0]).toMatch(
			/^monitors\[0\]\.type_data\.hosts\[0\]\.expect: is not a regular expression this probe can run/
		);
		expect(one({ expect: '/(a)\\1/' })[0]).toMatch(/expect: is not a regular expression.*invalid escape/);
		expect(one({ expect: '/[a/' })[0]).toMatch(/expect: is not a regular expression.*missing closing \]/);
		expect(one({ expect: '/x/g' })).toEqual([`${P}.expect: unknown regular expression flag "g" (use i, m or s)`]);
		// A prefix longer than the bytes read could never match; a non-ASCII regex never matches UTF-8 bytes.
		expect(one({ expect: 'x'.repeat(129) })).toEqual([
			`${P}.expect: must be at most 128 bytes as a prefix (only the first 128 bytes of the answer are read)`
		]);
		expect(one({ expect: 'é'.repeat(65) })[0]).toMatch(/expect: must be at most 128 bytes as a prefix/);
		expect(one({ expect: 'x'.repeat(128) })).toEqual([]);
		expect(one({ expect: '/^220 é/' })).toEqual([
			`${P}.expect: a regular expression must be ASCII (the answer is matched byte by byte); use a prefix for other text`
		]);
		// Nested quantifiers are fine: RE2 runs in linear time.
		expect(one({ expect: '/^(a+)+$/' })).toEqual([]);
		// Not of the /…/ form: a plain prefix.
		expect(one({ expect: '/' })).toEqual([]);
	});
});
