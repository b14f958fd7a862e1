// The monitor editor's form ⇄ the spec's JSON format. The form is read into
// strings exactly as typed (so a failed save shows them again), turned into
// spec JSON, and validated by the same validateMonitor the API and
// MONITORS_FILE use, so every surface gives the same message for the same
// mistake. Error paths map to form fields: type_data.hosts[2].port → hosts.2.port.
import { DEFAULT_EVAL } from '../eval/default';
import { validateMonitor, type FieldError, type MonitorInput } from '../monitors/validate';
import type { SyntaxCheck } from '../eval/sandbox';
import { formString } from './request';
import { DEFAULT_ALERT_SETTINGS } from '../alert-types';

import type { HostForm, MonitorForm } from '../../monitor-form';
export type { HostForm, MonitorForm };

/** Reads the editor's fields; hosts come as parallel lists host_type/host_host/host_port/host_timeout (and host_check). */
export function readMonitorForm(fd: FormData): MonitorForm {
	const list = (k: string) => fd.getAll(k).map((v) => (typeof v === 'string' ? v : ''));
	const types = list('host_type');
	const hosts = list('host_host');
	const ports = list('host_port');
	const timeouts = list('host_timeout');
	const checks = list('host_check');
	const n = Math.min(Math.max(types.length, hosts.length, ports.length, timeouts.length), 100);
	return {
		tag: formString(fd, 'tag').trim(),
		name: formString(fd, 'name'),
		description: formString(fd, 'description'),
		cron: formString(fd, 'cron'),
		group: formString(fd, 'group'),
		order: formString(fd, 'order'),
		public: fd.has('public'),
		active: fd.has('active'),
		show_hosts: fd.has('show_hosts'),
		hosts: Array.from({ length: n }, (_, i) => {
			const h: HostForm = { type: types[i] ?? 'tcp', host: hosts[i] ?? '', port: ports[i] ?? '', timeout: timeouts[i] ?? '' };
			if (checks[i]) h.check = checks[i];
			return h;
		}),
		eval: formString(fd, 'eval').replace(/\r\n/g, '\n'),
		confirm_down: formString(fd, 'confirm_down'),
		confirm_up: formString(fd, 'confirm_up'),
		confirm_degraded: fd.has('confirm_degraded'),
		remind_minutes: formString(fd, 'remind_minutes'),
		channels: list('channels')
			.filter((c) => c !== '')
			.slice(0, 100)
	};
}

/** A typed number, or the text itself so validation can say what it got; empty → the default. */
function num(s: string): number | string | undefined {
	const t = s.trim();
	if (t === '') return undefined;
	const n = Number(t);
	return Number.isFinite(n) ? n : t;
}

export const isDefaultEval = (source: string) => source.trim() === '' || source.trim() === DEFAULT_EVAL.trim();

/** The host fields the editor carries as JSON in host_check (see HostForm.check). */
export const CHECK_FIELDS = ['preset', 'send', 'expect', 'tls'] as const;

/**
 * host_check's fields for the spec host. Anything but a JSON object of those
 * fields is passed on as "check" for validation to refuse (unknown field).
 */
function checkFields(text: string | undefined): Record<string, unknown> {
	if (!text) return {};
	let v: unknown;
	try {
		v = JSON.parse(text);
	} catch {
		return { check: text };
	}
	if (v === null || typeof v !== 'object' || Array.isArray(v)) return { check: text };
	const out: Record<string, unknown> = {};
	for (const [k, val] of Object.entries(v)) out[(CHECK_FIELDS as readonly string[]).includes(k) ? k : `check.${k}`] = val;
	return out;
}

/** The host's probe fields as host_check JSON; undefined when it has none. */
function checkText(h: MonitorInput['type_data']['hosts'][number]): string | undefined {
	const picked = Object.fromEntries(CHECK_FIELDS.filter((k) => h[k] !== undefined).map((k) => [k, h[k]]));
	return Object.keys(picked).length ? JSON.stringify(picked) : undefined;
}

/** The form as spec JSON (unknown types pass through for validation to name). */
export function formToSpec(f: MonitorForm): Record<string, unknown> {
	return {
		tag: f.tag,
		name: f.name,
		description: f.description,
		type: 'TCP',
		type_data: {
			hosts: f.hosts.map((h) => ({ type: h.type, host: h.host, port: num(h.port), timeout: num(h.timeout), ...checkFields(h.check) }))
		},
		eval: isDefaultEval(f.eval) ? null : f.eval,
		cron: f.cron.trim() === '' ? undefined : f.cron,
		public: f.public,
		active: f.active,
		show_hosts: f.show_hosts,
		group: f.group.trim() === '' ? null : f.group,
		order: num(f.order) ?? 0,
		confirm: {
			down: num(f.confirm_down),
			up: num(f.confirm_up),
			degraded: f.confirm_degraded,
			remindMinutes: num(f.remind_minutes) ?? null
		},
		channels: f.channels
	};
}

/** The spec JSON of a saved monitor, as the form shows it. */
export function specToForm(m: MonitorInput): MonitorForm {
	return {
		tag: m.tag,
		name: m.name,
		description: m.description,
		cron: m.cron,
		group: m.group ?? '',
		order: String(m.order),
		public: m.public,
		active: m.active,
		show_hosts: m.show_hosts,
		hosts: m.type_data.hosts.map((h) => {
			const f: HostForm = { type: h.type, host: h.host, port: String(h.port), timeout: String(h.timeout) };
			const check = checkText(h);
			if (check !== undefined) f.check = check;
			return f;
		}),
		eval: m.eval ?? DEFAULT_EVAL,
		confirm_down: String(m.confirm.down),
		confirm_up: String(m.confirm.up),
		confirm_degraded: m.confirm.degraded,
		remind_minutes: m.confirm.remindMinutes === null ? '' : String(m.confirm.remindMinutes),
		channels: m.channels
	};
}

export function blankForm(): MonitorForm {
	return {
		tag: '',
		name: '',
		description: '',
		cron: '* * * * *',
		group: '',
		order: '0',
		public: true,
		active: true,
		show_hosts: false,
		hosts: [{ type: 'tcp', host: '', port: '80', timeout: '1000' }],
		eval: DEFAULT_EVAL,
		confirm_down: String(DEFAULT_ALERT_SETTINGS.down),
		confirm_up: String(DEFAULT_ALERT_SETTINGS.up),
		confirm_degraded: DEFAULT_ALERT_SETTINGS.degraded,
		remind_minutes: '',
		channels: []
	};
}

/** The alert fields' spec paths → their form field names (so typing in one clears its message). */
const ALERT_KEYS: Record<string, string> = {
	confirm: 'confirm_down',
	'confirm.down': 'confirm_down',
	'confirm.up': 'confirm_up',
	'confirm.degraded': 'confirm_degraded',
	'confirm.remindMinutes': 'remind_minutes'
};

/** "type_data.hosts[2].port" → "hosts.2.port"; "type_data.hosts" → "hosts"; "confirm.down" → "confirm_down"; "channels[1]" → "channels". */
export function fieldKey(path: string): string {
	if (ALERT_KEYS[path]) return ALERT_KEYS[path];
	if (/^channels(\[\d+\])?$/.test(path)) return 'channels';
	return path
		.replace(/^type_data\./, '')
		.replace(/\[(\d+)\]/g, '.$1')
		.replace(/^type_data$/, 'hosts');
}

const LABELS: Record<string, string> = {
	tag: 'Tag',
	name: 'Name',
	description: 'Description',
	cron: 'Schedule',
	group: 'Group',
	order: 'Order',
	eval: 'Eval function',
	hosts: 'Hosts',
	type: 'Type',
	host: 'Host',
	port: 'Port',
	timeout: 'Timeout',
	preset: 'Preset',
	send: 'Send',
	expect: 'Expect',
	tls: 'TLS',
	confirm_down: 'Down after',
	confirm_up: 'Recovered after',
	confirm_degraded: 'DEGRADED alerts',
	remind_minutes: 'Reminder'
};

/** "Port must be 1-65535, got 70000": the validator's message with the field's label in front. */
export function labelled(key: string, message: string): string {
	const last =
		key
			.split('.')
			.filter((p) => !/^\d+$/.test(p))
			.pop() ?? '';
	const label = LABELS[last];
	if (!label || message === 'unknown field') return message;
	return `${label} ${message}`;
}

export type FormErrors = Record<string, string>;

export function toFormErrors(errors: FieldError[]): FormErrors {
	const out: FormErrors = {};
	for (const e of errors) {
		const key = fieldKey(e.path) || 'form';
		out[key] ??= labelled(key, e.message);
	}
	return out;
}

export type EvalCheck = (source: string | null) => Promise<SyntaxCheck>;

export type FormValidation = { ok: true; value: MonitorInput } | { ok: false; errors: FormErrors };

/** Validates the form completely: fields by validateMonitor, the eval's syntax in the sandbox. */
export async function validateMonitorForm(f: MonitorForm, checkEval: EvalCheck): Promise<FormValidation> {
	const r = validateMonitor(formToSpec(f));
	const errors: FormErrors = r.ok ? {} : toFormErrors(r.errors);
	const source = isDefaultEval(f.eval) ? null : f.eval;
	if (source !== null && !errors.eval) {
		const s = await checkEval(source);
		if (!s.ok) errors.eval = evalErrorText(s);
	}
	if (!r.ok || Object.keys(errors).length) return { ok: false, errors };
	return { ok: true, value: r.value };
}

export type RunHosts = { ok: true; hosts: MonitorInput['type_data']['hosts'] } | { ok: false; errors: FormErrors };

/**
 * Run now's check: the hosts alone, validated as a save would validate them.
 * The other fields may be half-typed (run-now works on unsaved forms) and the
 * function may be broken (showing its exact error is what run-now is for).
 */
export async function checkRunHosts(f: MonitorForm): Promise<RunHosts> {
	const probeOnly: MonitorForm = { ...blankForm(), tag: 'unsaved', name: 'unsaved', hosts: f.hosts };
	const v = await validateMonitorForm(probeOnly, async () => ({ ok: true }));
	return v.ok ? { ok: true, hosts: v.value.type_data.hosts } : { ok: false, errors: v.errors };
}

export function evalErrorText(s: Extract<SyntaxCheck, { ok: false }>): string {
	if (s.line === undefined || s.error.includes(`line ${s.line}`)) return s.error;
	return `Line ${s.line}${s.column !== undefined ? `:${s.column}` : ''}: ${s.error}`;
}
