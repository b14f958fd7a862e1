import { smtpSecure, type EmailConfig } from '../alert-types';
import { describe, expect, it } from 'vitest';
import { blankChannelForm } from '$lib/channel-form';
import { validateChannel } from '../alerts/channel-validate';
import { channelToForm, formToSpec, readChannelForm, toFormErrors } from './channels';

const form = (entries: Record<string, string>) => {
	const fd = new FormData();
	for (const [k, v] of Object.entries(entries)) fd.set(k, v);
	return fd;
};

describe('the channel form', () => {
	it("sends only the chosen type's fields, numbers as numbers, recipients one per line", () => {
		const v = readChannelForm(
			form({
				name: ' oncall ',
				type: 'email',
				url: 'https://left-over.example.com',
				host: 'smtp.example.com',
				port: '465',
				security: 'auto',
				from: 'a@example.com',
				to: 'b@example.com\n c@example.com, \n',
				scope: 'group',
				group: 'Databases',
				stormThreshold: '9'
			})
		);
		const spec = formToSpec(v);
		expect(spec).toEqual({
			name: 'oncall',
			type: 'email',
			host: 'smtp.example.com',
			port: 465,
			from: 'a@example.com',
			to: ['b@example.com', 'c@example.com'],
			// Login fields left empty: no login, said as null so a stored password is not put back.
			user: null,
			password: null,
			scope: { group: 'Databases' },
			stormThreshold: 9
		});
		const r = validateChannel(spec);
		expect(r.ok && r.value.config).toMatchObject({ user: null, password: null });
		expect(r.ok && smtpSecure(r.value.config as EmailConfig)).toBe(true);
	});

	it('keeps text where a number belongs so the validator names it, and maps error paths to controls', () => {
		const spec = formToSpec({ ...blankChannelForm(), name: 'h', url: 'https://e.com', stormThreshold: 'lots' });
		const r = validateChannel(spec);
		expect(r.ok).toBe(false);
		expect(toFormErrors(r.ok ? [] : r.errors)).toEqual({ stormThreshold: 'must be 0 (no grouping) or a whole number 2-1000, got "lots"' });
		expect(
			toFormErrors([
				{ path: 'to[1]', message: 'must be an email address, got "x"' },
				{ path: 'scope.group', message: 'must name a group' },
				{ path: '', message: 'channel "x" comes from CHANNELS_FILE' }
			])
		).toEqual({ to: '[1]: must be an email address, got "x"', group: 'must name a group', form: 'channel "x" comes from CHANNELS_FILE' });
	});

	it('shows a stored channel as the form edits it (masked values as they are)', () => {
		const f = channelToForm({
			id: 1,
			name: 'mail',
			type: 'email',
			source: 'admin',
			host: 'h.example.com',
			port: 587,
			secure: true,
			user: 'u',
			password: '…word',
			from: 'a@b.co',
			to: ['x@y.co', 'z@y.co'],
			scope: { group: 'Web' },
			stormThreshold: 5
		});
		expect(f).toMatchObject({ security: 'tls', password: '…word', to: 'x@y.co\nz@y.co', scope: 'group', group: 'Web', port: '587' });
	});
});
