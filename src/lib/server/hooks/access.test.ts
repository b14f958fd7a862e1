import { describe, expect, it } from 'vitest';
import { accessNeeded } from './access';

describe('accessNeeded', () => {
	it('closes every /admin page, action and endpoint except sign-in and the setup link', () => {
		for (const m of ['GET', 'POST', 'PUT', 'DELETE']) {
			expect(accessNeeded('/admin', m)).toBe('session');
			expect(accessNeeded('/admin/', m)).toBe('session');
			expect(accessNeeded('/admin/monitors/web/__data.json', m)).toBe('session');
			expect(accessNeeded('/admin/export.json', m)).toBe('session');
			expect(accessNeeded('/admin/login', m)).toBe('none');
			expect(accessNeeded('/admin/setup/abc', m)).toBe('none');
		}
		// Look-alikes of the open pages stay closed.
		expect(accessNeeded('/admin/login/x', 'POST')).toBe('session');
		expect(accessNeeded('/admin/setup', 'POST')).toBe('session');
		expect(accessNeeded('/admin/setup/a/b', 'POST')).toBe('session');
		// Not /admin at all.
		expect(accessNeeded('/administrator', 'POST')).toBe('none');
	});

	it('needs a write key for every write under /api and leaves public reads open', () => {
		for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
			expect(accessNeeded('/api/v1/monitors', m)).toBe('write');
			expect(accessNeeded('/api/health', m)).toBe('write');
			expect(accessNeeded('/api/v1/check', m)).toBe('write');
		}
		expect(accessNeeded('/api/v1/monitors', 'GET')).toBe('none');
		expect(accessNeeded('/api/v1/monitors/x', 'HEAD')).toBe('none');
		expect(accessNeeded('/api/v1/config', 'GET')).toBe('read');
		expect(accessNeeded('/', 'POST')).toBe('none');
	});
});
