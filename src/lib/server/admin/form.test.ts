import { afterAll, describe, expect, it } from 'vitest';
import { EvalSandbox } from '../eval/sandbox';
import { DEFAULT_EVAL } from '../eval/default';
import { EVAL_TEMPLATES } from '../eval/templates';
import { validateMonitor } from '../monitors/validate';
import { blankForm, checkRunHosts, fieldKey, formToSpec, readMonitorForm, specToForm, validateMonitorForm, type MonitorForm } from './form';

const sandbox = new EvalSandbox();
const checkEvalSyntax = sandbox.checkSyntax;
afterAll(() => sandbox.stop());

function good(): MonitorForm {
	return {
		...blankForm(),
		tag: 'db',
		name: 'Database',
		hosts: [
			{ type: 'tcp', host: '127.0.0.1', port: '5432', timeout: '1000' },
			{ type: 'IP6', host: '::1', port: '', timeout: '' }
		]
	};
}

function toFormData(f: MonitorForm): FormData {
	const fd = new FormData();
	for (const k of ['tag', 'name', 'description', 'cron', 'group', 'order', 'eval', 'confirm_down', 'confirm_up', 'remind_minutes'] as const)
		fd.set(k, f[k]);
	for (const k of ['public', 'active', 'show_hosts', 'confirm_degraded'] as const) if (f[k]) fd.set(k, 'on');
	for (const c of f.channels) fd.append('channels', c);
	for (const h of f.hosts) {
		fd.append('host_type', h.type);
		fd.append('host_host', h.host);
		fd.append('host_port', h.port);
		fd.append('host_timeout', h.timeout);
		fd.append('host_check', h.check ?? '');
	}
	return fd;
}

const errorsOf = async (patch: (f: MonitorForm) => void) => {
	const f = good();
	patch(f);
	const r = await validateMonitorForm(f, checkEvalSyntax);
	return r.ok ? {} : r.errors;
};

describe('monitor form', () => {
	it('reads what was posted, hosts in order, checkboxes as booleans', () => {
		const f = { ...good(), public: false, show_hosts: true, eval: 'x\r\ny' };
		expect(readMonitorForm(toFormData(f))).toEqual({ ...f, eval: 'x\ny' });
	});

	it('reads the alert fields as typed: numbers as text, the DEGRADED box, ticked channels in order', () => {
		const f = { ...good(), confirm_down: ' 3 ', confirm_up: 'x', confirm_degraded: true, remind_minutes: '30', channels: ['ops', 'mail'] };
		expect(readMonitorForm(toFormData(f))).toEqual(f);
	});

	it('turns the alert fields into `confirm` and `channels` (blank numbers: defaults; blank reminder: none)', async () => {
		const blank = await validateMonitorForm({ ...good(), confirm_down: '', confirm_up: '', remind_minutes: ' ' }, checkEvalSyntax);
		expect(blank.ok && blank.value.confirm).toEqual({ down: 2, up: 2, degraded: false, remindMinutes: null });
		const set = await validateMonitorForm(
			{ ...good(), confirm_down: '3', confirm_up: '1', confirm_degraded: true, remind_minutes: '45', channels: ['b', 'a'] },
			checkEvalSyntax
		);
		expect(set.ok && set.value.confirm).toEqual({ down: 3, up: 1, degraded: true, remindMinutes: 45 });
		expect(set.ok && set.value.channels).toEqual(['a', 'b']);
		expect(set.ok && specToForm(set.value)).toMatchObject({
			confirm_down: '3',
			confirm_up: '1',
			confirm_degraded: true,
			remind_minutes: '45',
			channels: ['a', 'b']
		});
	});

	it('puts alert errors beside their fields, labelled', async () => {
		const e = await errorsOf((f) => {
			f.confirm_down = '0';
			f.confirm_up = 'two';
			f.remind_minutes = '20000';
			f.channels = ['ops', 'ops'];
		});
		expect(e).toEqual({
			confirm_down: 'Down after must be 1-100, got 0',
			confirm_up: 'Recovered after must be a whole number of checks 1-100, got "two"',
			remind_minutes: 'Reminder must be null or 1-10080, got 20000',
			channels: 'duplicate channel "ops" (also channels[0])'
		});
		expect(fieldKey('channels[3]')).toBe('channels');
		expect(fieldKey('confirm.remindMinutes')).toBe('remind_minutes');
	});

	it('turns the form into the spec format with defaults for empty port and timeout', async () => {
		const r = await validateMonitorForm(good(), checkEvalSyntax);
		expect(r).toEqual({
			ok: true,
			value: expect.objectContaining({
				tag: 'db',
				type: 'TCP',
				eval: null,
				cron: '* * * * *',
				type_data: {
					hosts: [
						{ type: 'tcp', host: '127.0.0.1', port: 5432, timeout: 1000 },
						{ type: 'IP6', host: '::1', port: 80, timeout: 1000 }
					]
				}
			})
		});
	});

	it('stores the default function as null and any other function as written', async () => {
		expect(formToSpec({ ...good(), eval: DEFAULT_EVAL }).eval).toBeNull();
		expect(formToSpec({ ...good(), eval: '  ' }).eval).toBeNull();
		const q = EVAL_TEMPLATES.find((t) => t.id === 'quorum')!.source;
		const r = await validateMonitorForm({ ...good(), eval: q }, checkEvalSyntax);
		expect(r.ok && r.value.eval).toBe(q);
	});

	it('round-trips a saved monitor through the form unchanged', async () => {
		const r = await validateMonitorForm({ ...good(), group: 'Core', order: '3', description: 'd' }, checkEvalSyntax);
		if (!r.ok) throw new Error('invalid');
		const again = await validateMonitorForm(specToForm(r.value), checkEvalSyntax);
		expect(again).toEqual(r);
	});

	it('maps error paths to form fields', () => {
		expect(fieldKey('type_data.hosts[2].port')).toBe('hosts.2.port');
		expect(fieldKey('type_data.hosts')).toBe('hosts');
		expect(fieldKey('tag')).toBe('tag');
	});

	it.each([
		['port 0', (f: MonitorForm) => (f.hosts[0].port = '0'), 'hosts.0.port', 'Port must be 1-65535, got 0'],
		['port 70000', (f: MonitorForm) => (f.hosts[0].port = '70000'), 'hosts.0.port', 'Port must be 1-65535, got 70000'],
		['port text', (f: MonitorForm) => (f.hosts[1].port = 'http'), 'hosts.1.port', 'Port must be a number 1-65535, got "http"'],
		['port fraction', (f: MonitorForm) => (f.hosts[0].port = '80.5'), 'hosts.0.port', 'Port must be a whole number 1-65535, got 80.5'],
		['timeout 0', (f: MonitorForm) => (f.hosts[0].timeout = '0'), 'hosts.0.timeout', 'Timeout must be 1-60000 ms, got 0'],
		['timeout 60001', (f: MonitorForm) => (f.hosts[0].timeout = '60001'), 'hosts.0.timeout', 'Timeout must be 1-60000 ms, got 60001'],
		['empty host', (f: MonitorForm) => (f.hosts[0].host = ' '), 'hosts.0.host', 'Host must not be empty'],
		[
			'bad host',
			(f: MonitorForm) => (f.hosts[0].host = 'no such host!'),
			'hosts.0.host',
			'Host must be a host name or IP address, got "no such host!"'
		],
		[
			'IPv4 in IP6 row',
			(f: MonitorForm) => (f.hosts[1].host = '10.0.0.1'),
			'hosts.1.host',
			'Host "10.0.0.1" is an IPv4 address; use type "tcp"'
		],
		['IPv6 in tcp row', (f: MonitorForm) => (f.hosts[0].host = '::1'), 'hosts.0.host', 'Host "::1" is an IPv6 address; use type "IP6"'],
		['bad type', (f: MonitorForm) => (f.hosts[0].type = 'udp'), 'hosts.0.type', 'Type must be "tcp" (IPv4) or "IP6" (IPv6), got "udp"'],
		['no hosts', (f: MonitorForm) => (f.hosts = []), 'hosts', 'Hosts needs at least one host'],
		['tag with spaces', (f: MonitorForm) => (f.tag = 'My DB'), 'tag', expect.stringMatching(/^Tag must be 1-64 lowercase letters/)],
		['empty name', (f: MonitorForm) => (f.name = '  '), 'name', 'Name must not be empty'],
		['bad cron', (f: MonitorForm) => (f.cron = 'every minute'), 'cron', expect.stringMatching(/^Schedule invalid cron expression/)],
		['cron too often', (f: MonitorForm) => (f.cron = '* * * * * *'), 'cron', expect.stringContaining('shortest allowed interval is 5 s')],
		['order text', (f: MonitorForm) => (f.order = 'first'), 'order', 'Order must be a number, got "first"']
	])('refuses %s with a message on the field', async (_name, patch, key, message) => {
		const errors = await errorsOf(patch);
		expect(errors).toEqual({ [key]: message });
	});

	it('reports an eval syntax error with its line, from the sandbox', async () => {
		const errors = await errorsOf((f) => (f.eval = ';(async function (arrayOfPings) {\n    return {\n        status: "UP",,\n    }\n})'));
		expect(Object.keys(errors)).toEqual(['eval']);
		expect(errors.eval).toMatch(/SyntaxError: .* \(line 3, column \d+\)/);
	});

	it('gives the same words as the API and MONITORS_FILE for the same mistake', async () => {
		const f = good();
		f.hosts[0].port = '70000';
		const api = validateMonitor(formToSpec(f));
		const form = await validateMonitorForm(f, checkEvalSyntax);
		expect(api.ok).toBe(false);
		expect(form.ok).toBe(false);
		if (!api.ok && !form.ok) {
			expect(api.errors[0]).toEqual({ path: 'type_data.hosts[0].port', message: 'must be 1-65535, got 70000' });
			expect(form.errors['hosts.0.port']).toBe(`Port ${api.errors[0].message}`);
		}
	});
});

describe('run now', () => {
	it('checks the hosts alone: half-typed other fields do not stop it, and never turn into "no hosts"', async () => {
		const f = { ...good(), tag: 'Not A Tag', name: '', cron: 'every now and then', order: 'x', eval: 'not js (' };
		const r = await checkRunHosts(f);
		expect(r).toEqual({
			ok: true,
			hosts: [
				{ type: 'tcp', host: '127.0.0.1', port: 5432, timeout: 1000 },
				{ type: 'IP6', host: '::1', port: 80, timeout: 1000 }
			]
		});
	});

	it("refuses bad or missing hosts with the save form's messages", async () => {
		const bad = await checkRunHosts({ ...good(), hosts: [{ type: 'tcp', host: '127.0.0.1', port: '70000', timeout: '' }] });
		expect(bad).toEqual({ ok: false, errors: { 'hosts.0.port': 'Port must be 1-65535, got 70000' } });
		expect(await checkRunHosts({ ...good(), hosts: [] })).toEqual({ ok: false, errors: { hosts: 'Hosts needs at least one host' } });
	});
});

describe('monitor form: the probe fields kept in host_check', () => {
	const spec = {
		tag: 'mail',
		name: 'Mail',
		type: 'TCP',
		type_data: {
			hosts: [
				{ host: 'mail.example.com', port: 465, tls: true, preset: 'smtp' },
				{ host: 'cache', port: 6379, send: 'PING\r\n', expect: '/^\\+PONG/' },
				{ host: '10.0.0.5', port: 22 }
			]
		}
	};

	it('a save through the editor keeps preset, send, expect and tls as they were (form data and back)', async () => {
		const r = validateMonitor(spec);
		if (!r.ok) throw new Error('bad fixture');
		const form = specToForm(r.value);
		expect(form.hosts.map((h) => h.check)).toEqual([
			'{"preset":"smtp","tls":true}',
			'{"send":"PING\\r\\n","expect":"/^\\\\+PONG/"}',
			undefined
		]);
		const posted = readMonitorForm(toFormData(form));
		expect(posted.hosts).toEqual(form.hosts);
		const again = await validateMonitorForm(posted, checkEvalSyntax);
		expect(again.ok && again.value.type_data.hosts).toEqual(r.value.type_data.hosts);
		const run = await checkRunHosts(posted);
		expect(run.ok && run.hosts).toEqual(r.value.type_data.hosts);
	});

	it('names a bad probe field under its label, and refuses anything else smuggled into host_check', async () => {
		const withCheck = (check: string) => ({ ...good(), hosts: [{ type: 'tcp', host: 'a', port: '1', timeout: '', check }] });
		const errs = async (check: string) => {
			const r = await validateMonitorForm(withCheck(check), checkEvalSyntax);
			return r.ok ? {} : r.errors;
		};
		expect(await errs('{"preset":"mysql"}')).toEqual({
			'hosts.0.preset': 'Preset unknown preset "mysql" (one of ssh, smtp, ftp, nats, imap, pop3, redis, memcached)'
		});
		expect(await errs('{"expect":""}')).toEqual({ 'hosts.0.expect': 'Expect must not be empty (leave it out to check the port only)' });
		expect(await errs('{"host":"evil.example","port":1}')).toEqual({
			'hosts.0.check.host': 'unknown field',
			'hosts.0.check.port': 'unknown field'
		});
		expect(await errs('not json')).toEqual({ 'hosts.0.check': 'unknown field' });
	});
});
