// Run now's table shows the TLS and expect fields of a ping, and nothing new
// for a plain one. Rendered with svelte/server (server project).
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import RunPanel from './RunPanel.svelte';
import { PRESET_LABELS } from './hosts';
import { PRESET_NAMES } from '$lib/server/expect';
import type { RunOutput } from '$lib/types';

const run: RunOutput = {
	ranAt: '2026-12-06T10:00:00.000Z',
	pings: [
		{
			status: 'open',
			latency: 0.5,
			host: 'mail.example.com',
			port: 465,
			type: 'tcp',
			address: '192.0.2.25',
			dnsLatency: 0,
			tlsLatency: 3.25,
			tlsProtocol: 'TLSv1.3',
			certValidTo: '2026-12-10T10:00:00.000Z',
			certDaysLeft: 4,
			tlsError: 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
			banner: '220 mail ESMTP\\r\\n',
			matched: true
		},
		{
			status: 'error',
			latency: 0.2,
			host: 'cache',
			port: 6379,
			type: 'tcp',
			banner: '-ERR\\r\\n',
			matched: false,
			error: 'EEXPECT: expected "+PONG", got "-ERR\\r\\n"'
		},
		{ status: 'open', latency: 0.3, host: '10.0.0.5', port: 22, type: 'tcp', address: '10.0.0.5', dnsLatency: 0 }
	],
	result: { status: 'DEGRADED', latency: 0.4, durationMs: 2 },
	timings: { probeMs: 4, evalMs: 2 }
};

const rows = (html: string) => html.split('data-ping=').slice(1);

describe('RunPanel: TLS and expect fields', () => {
	it('shows protocol, days left, the certificate problem, TLS time and the banner with its verdict', () => {
		const { body } = render(RunPanel, { props: { run, running: false, stale: false, hosts: [], error: null } });
		const [tls, wrong, plain] = rows(body);
		expect(tls).toContain('TLSv1.3 · certificate: 4 days left');
		expect(tls).toContain('DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate');
		expect(tls).toContain('TLS 3.250 ms');
		expect(tls).toMatch(/✓<\/span>\s*220 mail ESMTP\\r\\n/);
		expect(wrong).toMatch(/✕<\/span>\s*-ERR\\r\\n/);
		expect(wrong).toContain('title="EEXPECT: the answer did not match expect"');
		expect(wrong).not.toContain('data-testid="ping-tls"');
		expect(plain).not.toContain('data-testid="ping-tls"');
		expect(plain).not.toContain('data-testid="ping-banner"');
	});

	it("the hosts table's Check picker offers exactly the probe's presets", () => {
		expect(Object.keys(PRESET_LABELS)).toEqual(PRESET_NAMES);
	});
});
