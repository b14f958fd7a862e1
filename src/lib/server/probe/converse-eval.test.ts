// README's "certificate expires in under 14 days → DEGRADED" example, taken
// from README.md as written, on pings from the real probe worker thread
// against local TLS servers, evaluated in the real eval sandbox.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { ProbeWorker } from './pool';
import { EvalSandbox } from '../eval/sandbox';
import { runCheck } from './check';
import type { Host } from '../types';
import { useCleanups } from './tcp.fixtures';
import { hasOpenssl, selfSigned, serve, serveTls } from './tls.fixtures';

useCleanups();

const WORKER_URL = new URL('../../../../build/workers/probe-worker.js', import.meta.url);

/** The code block after README's `<!-- eval-example: cert-expiry … -->` marker. */
function readmeExample(): string {
	const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
	const m = /<!-- eval-example: cert-expiry[^>]*-->[\s\S]*?```javascript\n([\s\S]*?)```/.exec(readme);
	if (!m) throw new Error('README.md has no cert-expiry eval example');
	return m[1];
}

describe.skipIf(!hasOpenssl && process.env.CI !== 'true')('eval on TLS fields', () => {
	const probe = new ProbeWorker({ url: WORKER_URL });
	const sandbox = new EvalSandbox();
	let soon = { key: '', cert: '' };
	let later = { key: '', cert: '' };
	beforeAll(() => {
		soon = selfSigned(5);
		later = selfSigned(30);
	});
	afterAll(async () => {
		await probe.stop();
		await sandbox.stop();
	});

	const tlsHost = (port: number): Host => ({ type: 'tcp', host: '127.0.0.1', port, timeout: 2000, tls: true });

	it('README example: under 14 days left → DEGRADED, 30 days → UP, a failed host → DOWN', async () => {
		const source = readmeExample();
		expect(source).toContain('p.certDaysLeft < 14');
		const deps = { probe: (hosts: Host[]) => probe.probe(hosts), evaluate: sandbox.evaluate };
		const plain = await serve((s) => s.end());
		const soonPort = await serveTls(soon, () => {});
		const laterPort = await serveTls(later, () => {});

		const expiring = await runCheck([tlsHost(soonPort), { type: 'tcp', host: '127.0.0.1', port: plain, timeout: 1000 }], source, deps);
		expect(expiring.pings.map((p) => [p.status, p.certDaysLeft])).toEqual([
			['open', expect.any(Number)],
			['open', undefined]
		]);
		expect([4, 5]).toContain(expiring.pings[0].certDaysLeft);
		expect(expiring.pings[0].tlsError).toMatch(/self-signed/);
		expect(expiring.result).toMatchObject({ status: 'DEGRADED' });
		expect(expiring.result.error).toBeUndefined();

		const fine = await runCheck([tlsHost(laterPort)], source, deps);
		expect([29, 30]).toContain(fine.pings[0].certDaysLeft);
		expect(fine.result).toMatchObject({ status: 'UP' });
		expect(fine.result.latency).toBe(fine.pings[0].latency);

		const down = await runCheck([tlsHost(laterPort), { ...tlsHost(plain) }], source, deps);
		expect(down.pings[1].status).toBe('error');
		expect(down.result).toMatchObject({ status: 'DOWN' });
	});
});
