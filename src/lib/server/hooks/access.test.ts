import { describe, expect, it } from 'vitest';
import { BADGE_FILES } from '../../badge-files';
import { routeManifest, routeUrls } from '../../../../tests/support/route-manifest';
import { accessNeeded, ADMIN_ONLY, isApiRoute, isPublicRead, NO_ROUTE, ROUTES, routePolicy } from './access';

const manifest = routeManifest();
const ids = new Set(manifest.map((r) => r.id));

describe('the access policy, judged on route ids', () => {
	it('reads the routes from src/routes', () => {
		// Counted in URLs: a route with a param matcher is one id for several (the seven badge files).
		expect(manifest.flatMap((r) => routeUrls(r.id)).length).toBeGreaterThan(30);
		expect(routeUrls('/badge/[tag]/[file=badge]', { tag: 'api' })).toEqual(Object.keys(BADGE_FILES).map((f) => `/badge/api/${f}`));
		for (const id of ['/', '/admin/keys', '/api/v1/monitors/[tag]', '/badge/[tag]/[file=badge]']) expect(ids, id).toContain(id);
	});

	it('lists only routes that exist (a renamed route must not leave an open entry behind)', () => {
		for (const id of Object.keys(ROUTES)) expect(ids, id).toContain(id);
	});

	it('closes every admin route, page, action and endpoint, except sign-in and the setup link', () => {
		const admin = manifest.filter((r) => r.id === '/admin' || r.id.startsWith('/admin/'));
		expect(admin.length).toBeGreaterThan(10);
		for (const r of admin) {
			const open = r.id === '/admin/login' || r.id === '/admin/setup/[token]';
			for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
				expect(accessNeeded(r.id, m), `${m} ${r.id}`).toBe(open ? 'public' : 'session');
			}
		}
		// A remote function call carries no route id: closed until listed.
		expect(accessNeeded(null, 'GET', true)).toBe('session');
		expect(accessNeeded('/', 'POST', true)).toBe('session');
	});

	it('opens nothing that is not listed: an unknown route id needs a session', () => {
		expect(routePolicy('/admin/something-new')).toBe(ADMIN_ONLY);
		expect(routePolicy('/api/v3/anything')).toBe(ADMIN_ONLY);
		expect(routePolicy('/new-public-page')).toBe(ADMIN_ONLY);
		expect(routePolicy('toString')).toBe(ADMIN_ONLY);
		expect(routePolicy('__proto__')).toBe(ADMIN_ONLY);
		// No route matched: reading the 404 is harmless, nothing else is.
		expect(routePolicy(null)).toBe(NO_ROUTE);
		expect(accessNeeded(null, 'GET')).toBe('public');
		for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'post', 'Get', 'PROPFIND']) expect(accessNeeded(null, m), m).toBe('session');
	});

	it('needs a write key for every API write and a key for the private config', () => {
		const api = manifest.filter((r) => isApiRoute(r.id));
		expect(api.length).toBeGreaterThan(5);
		for (const r of api) {
			for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(['write', 'session'], `${m} ${r.id}`).toContain(accessNeeded(r.id, m));
		}
		expect(accessNeeded('/api/v1/config', 'GET')).toBe('read');
		expect(accessNeeded('/api/v1/check', 'GET')).toBe('write');
		expect(accessNeeded('/api/v1/monitors/[tag]/check', 'POST')).toBe('write');
		expect(accessNeeded('/api/v1/monitors', 'GET')).toBe('public');
		expect(accessNeeded('/api/health', 'GET')).toBe('public');
	});

	it('lets keys reach incidents and maintenance: reads with either scope (they name hidden monitors), writes with a write key', () => {
		const notices = manifest.filter((r) => /^\/api\/v1\/(incidents|maintenance)(\/|$)/.test(r.id));
		expect(notices.map((r) => r.id)).toContain('/api/v1/maintenance/[id]/end');
		for (const r of notices) {
			// Listed, so a key works (an unlisted route would take a signed-in admin only).
			expect(Object.hasOwn(ROUTES, r.id), r.id).toBe(true);
			expect(routePolicy(r.id).rateLimited, r.id).toBe(true);
			for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(accessNeeded(r.id, m), `${m} ${r.id}`).toBe('write');
			expect(['read', 'write'], r.id).toContain(accessNeeded(r.id, 'GET'));
		}
		for (const id of ['/api/v1/incidents', '/api/v1/incidents/[id]', '/api/v1/maintenance', '/api/v1/maintenance/[id]'])
			expect(accessNeeded(id, 'GET'), id).toBe('read');
	});

	it('lets no public route take a write, except the sign-in forms', () => {
		for (const [id, p] of Object.entries(ROUTES)) {
			if (p.write === 'public') expect(['/admin/login', '/admin/setup/[token]'], id).toContain(id);
			// Lower-case or unknown methods are writes, never reads.
			expect(accessNeeded(id, 'get')).toBe(p.write);
		}
	});

	it('frames only the embed widget, and rate-limits everything public but the health probe', () => {
		for (const r of manifest) {
			const p = routePolicy(r.id);
			expect(p.frameable === true, r.id).toBe(r.id === '/embed/[tag]');
			if (p.read === 'public' && !r.id.startsWith('/admin/')) expect(p.rateLimited, r.id).toBe(r.id !== '/api/health');
		}
	});

	it('takes GET and HEAD of the public reads only', () => {
		expect(isPublicRead('/badge/[tag]/[file=badge]', 'GET')).toBe(true);
		expect(isPublicRead('/badge/[tag]/[file=badge]', 'HEAD')).toBe(true);
		expect(isPublicRead('/badge/[tag]/[file=badge]', 'POST')).toBe(false);
		expect(isPublicRead('/api/v2/summary.json', 'OPTIONS')).toBe(false);
		expect(isPublicRead('/api/v2/summary.json', 'GET')).toBe(true);
		// Judged on the route id, as the guard judges: nothing else is a public read.
		for (const id of ['/admin/export.json', '/api/v1/config', '/api/v1/monitors', '/', null])
			expect(isPublicRead(id, 'GET'), String(id)).toBe(false);
	});
});
