// The Check line's conversions: the Send input's escapes and the controls ⇄ host_check JSON.
import { describe, expect, it } from 'vitest';
import { checkFromInputs, checkInputs, escapeSend, unescapeSend } from './hosts';

describe('Send escapes', () => {
	it('shows CR, LF, tab and backslash as \\r \\n \\t \\\\ and reads them back', () => {
		expect(escapeSend('PING\r\n')).toBe('PING\\r\\n');
		expect(escapeSend('a\tb\\c')).toBe('a\\tb\\\\c');
		expect(unescapeSend('PING\\r\\n')).toBe('PING\r\n');
		expect(unescapeSend('a\\tb\\\\c')).toBe('a\tb\\c');
		for (const s of ['PING\r\n', '\\r literally', 'x\\\\r\n', 'é\t€']) expect(unescapeSend(escapeSend(s))).toBe(s);
	});

	it('keeps a backslash before any other character as typed', () => {
		expect(unescapeSend('\\x41\\')).toBe('\\x41\\');
		// An escaped backslash followed by n is a backslash and an n, not a LF.
		expect(unescapeSend('\\\\n')).toBe('\\n');
	});
});

describe('check JSON ⇄ inputs', () => {
	it('reads a plain host, a preset with TLS and a custom pair', () => {
		expect(checkInputs(undefined)).toEqual({ mode: '', send: '', expect: '', tls: false });
		expect(checkInputs('{"preset":"redis","tls":true}')).toEqual({ mode: 'redis', send: '', expect: '', tls: true });
		expect(checkInputs(JSON.stringify({ send: 'PING\r\n', expect: '+PONG' }))).toEqual({
			mode: 'custom',
			send: 'PING\\r\\n',
			expect: '+PONG',
			tls: false
		});
		expect(checkInputs('{"expect":"/^SSH-/i"}').mode).toBe('custom');
	});

	it('writes only the fields set, real CR LF in send, nothing for a plain host', () => {
		expect(checkFromInputs(undefined, { mode: '', send: '', expect: '', tls: false })).toBeUndefined();
		expect(checkFromInputs(undefined, { mode: 'redis', send: 'ignored', expect: 'x', tls: true })).toBe('{"preset":"redis","tls":true}');
		const custom = checkFromInputs(undefined, { mode: 'custom', send: 'PING\\r\\n', expect: '+PONG', tls: false });
		expect(JSON.parse(custom!)).toEqual({ send: 'PING\r\n', expect: '+PONG' });
		expect(checkFromInputs(undefined, { mode: 'custom', send: '', expect: '', tls: false })).toBeUndefined();
		expect(checkFromInputs(undefined, { mode: '', send: '', expect: '', tls: true })).toBe('{"tls":true}');
	});

	it('round-trips, and keeps an unknown field for validation to name', () => {
		const json = JSON.stringify({ send: 'a\\b\r\n', expect: '/^ok/i', tls: true });
		expect(checkFromInputs(json, checkInputs(json))).toBe(json);
		expect(checkFromInputs('{"preset":"ssh","port2":1}', { mode: '', send: '', expect: '', tls: false })).toBe('{"port2":1}');
	});
});
