import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BADGE_FILES } from '../../badge-files';
import { match } from '../../../params/badge';
import { ROUTES } from '../hooks/access';
import { matchPublicRead, PUBLIC_READS } from './reads';

const routesDir = (dir: string) => fileURLToPath(new URL(`../../../routes/${dir}`, import.meta.url));

describe('which requests the public read table takes (and so the fast path)', () => {
	it('matches exactly the badge and Statuspage routes', () => {
		expect(matchPublicRead('/badge/api/status.svg')).toEqual({
			routeId: '/badge/[tag]/[file=badge]',
			params: { tag: 'api', file: 'status.svg' }
		});
		expect(matchPublicRead('/badge/_/uptime.json')).toEqual({
			routeId: '/badge/[tag]/[file=badge]',
			params: { tag: '_', file: 'uptime.json' }
		});
		expect(matchPublicRead('/api/v2/summary.json')).toEqual({ routeId: '/api/v2/summary.json', params: {} });
		expect(matchPublicRead('/api/v2/scheduled-maintenances/upcoming.json')?.routeId).toBe('/api/v2/scheduled-maintenances/upcoming.json');
		for (const p of [
			'/badge/api/status.svg/',
			'/badge/api/dot.json',
			'/badge/api/nope.svg',
			'/badge/api/foo.svg',
			'/badge/a%2Db/status.svg',
			'/badge/api/st%61tus.svg',
			'/badge//status.svg',
			'/badge/[tag]/[file=badge]',
			'/api/v2/components.json',
			'/api/v2/incidents/unresolved.json/',
			'/api/v2/scheduled-maintenances/past.json',
			'/api/v1/monitors'
		]) {
			expect(matchPublicRead(p), p).toBeNull();
		}
	});

	it('takes the badge files the route matcher takes, no more and no less', () => {
		expect(Object.keys(BADGE_FILES).sort()).toEqual([
			'dot.svg',
			'latency.json',
			'latency.svg',
			'status.json',
			'status.svg',
			'uptime.json',
			'uptime.svg'
		]);
		for (const kind of ['status', 'uptime', 'latency', 'dot', 'other', 'foo']) {
			for (const format of ['svg', 'json', 'png']) {
				const file = `${kind}.${format}`;
				expect(matchPublicRead(`/badge/api/${file}`) !== null, file).toBe(match(file));
				expect(match(file), file).toBe(file in BADGE_FILES);
			}
		}
		expect(match('toString')).toBe(false);
		expect(match('__proto__')).toBe(false);
	});

	it('matches the route folders, no more and no less', () => {
		expect(readdirSync(routesDir('badge/[tag]'))).toEqual(['[file=badge]']);
		const v2 = new Set(readdirSync(routesDir('api/v2')));
		for (const file of ['status.json', 'summary.json', 'components.json', 'incidents.json']) {
			expect(matchPublicRead(`/api/v2/${file}`) !== null, file).toBe(v2.has(file));
		}
	});

	it('gives each path the route id of the route folder that serves it', () => {
		for (const p of [
			'/badge/api/status.svg',
			'/badge/x/dot.svg',
			'/badge/_/latency.json',
			'/api/v2/status.json',
			'/api/v2/incidents.json',
			'/api/v2/incidents/unresolved.json',
			'/api/v2/scheduled-maintenances.json',
			'/api/v2/scheduled-maintenances/upcoming.json',
			'/api/v2/scheduled-maintenances/active.json'
		]) {
			const id = matchPublicRead(p)!.routeId;
			expect(existsSync(`${routesDir(id.slice(1))}/+server.ts`), p).toBe(true);
		}
	});

	it('answers exactly the routes the access policy marks as public reads', () => {
		const marked = Object.entries(ROUTES)
			.filter(([, p]) => p.publicRead)
			.map(([id]) => id);
		expect(Object.keys(PUBLIC_READS).sort()).toEqual(marked.sort());
		for (const id of Object.keys(PUBLIC_READS)) expect(ROUTES[id].read, id).toBe('public');
	});
});
