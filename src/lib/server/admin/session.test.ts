import { describe, expect, it } from 'vitest';
import { safeNext } from './session';

describe('safeNext: where sign-in sends the admin', () => {
	it('keeps same-site admin paths with their query', () => {
		expect(safeNext('/admin/keys')).toBe('/admin/keys');
		expect(safeNext('/admin/monitors/web/edit?x=1')).toBe('/admin/monitors/web/edit?x=1');
		expect(safeNext('/admin')).toBe('/admin');
	});

	it('sends anything else to the monitors list', () => {
		for (const n of [
			null,
			'',
			'admin/keys',
			'//evil.example/admin',
			'/\\evil.example',
			'https://evil.example/admin',
			'/administrator',
			'/',
			'/admin/login',
			'/admin/setup/abc',
			'/%61dmin/login',
			'/admin/%6cogin',
			'/admin/../x',
			'/admin/%2e%2e/x',
			'/admin/%E0%A4%A'
		]) {
			expect(safeNext(n), String(n)).toBe('/admin/monitors');
		}
	});

	it('never returns what a Location header cannot carry (CR, LF, NUL, raw non-ASCII)', () => {
		for (const n of ['/admin/keys\r\nSet-Cookie: x=1', '/admin/keys\n', '/admin/\u0000', '/admin/\u007f'])
			expect(safeNext(n)).toBe('/admin/monitors');
		expect(safeNext('/admin/monitors/café')).toBe('/admin/monitors/caf%C3%A9');
		expect(() => new Headers({ location: safeNext('/admin/monitors/\u2028x?q=\u00e9') })).not.toThrow();
	});

	it('reads encoded letters as the router does', () => {
		expect(safeNext('/%61dmin/keys')).toBe('/%61dmin/keys');
	});
});
