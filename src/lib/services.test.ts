// services.ts against the spec it copies: every service and port, every
// timeout range and every troubleshooting row must be the spec's, and
// nothing more. Also the picker's lookups.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES, SERVICE_PORTS, TIMEOUT_GUIDANCE, TROUBLESHOOTING, serviceForPort } from './services';

// As eval/run.test.ts: PORTHOLE_SPEC names the contract (CI sets it), else the
// sibling checkout is tried (from the repository root: this is a happy-dom
// test, whose import.meta.url is not a file URL); missing, the check skips, except in CI
// (CI=true, or PORTHOLE_REQUIRE_SPEC=1), where it fails.
const SPEC = process.env.PORTHOLE_SPEC || join(process.cwd(), '..', 'shared', 'spec', 'tcp-monitor.md');
const requireSpec = process.env.PORTHOLE_REQUIRE_SPEC === '1' || (!!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0');
const haveSpec = existsSync(SPEC);
if (!haveSpec && !requireSpec)
	console.warn(`services spec check skipped: ${SPEC} not found (set PORTHOLE_SPEC, or CI=true to fail instead)`);

/** The text between a heading line and the next heading of the same or a higher level. */
function section(md: string, heading: string): string {
	const lines = md.split('\n');
	const start = lines.findIndex((l) => l.replace(/\s*\{#[^}]*\}\s*$/, '').trim() === heading);
	if (start < 0) throw new Error(`spec has no heading "${heading}"`);
	const level = /^#+/.exec(heading)![0].length;
	const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
	return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** A Markdown table's body rows as trimmed cells (header and rule left out). */
function tableRows(md: string): string[][] {
	const rows = md
		.split('\n')
		.filter((l) => l.trim().startsWith('|'))
		.map((l) =>
			l
				.trim()
				.slice(1, -1)
				.split('|')
				.map((c) => c.trim())
		);
	return rows.slice(2);
}

const GROUP_HEADINGS = {
	Databases: '### Database Servers',
	'Message queues': '### Message Queues',
	'Other services': '### Other Services'
} as const;

describe.skipIf(!haveSpec && !requireSpec)('the spec tables', () => {
	const spec = () => {
		if (!haveSpec) throw new Error(`the spec is required here (CI or PORTHOLE_REQUIRE_SPEC=1) but ${SPEC} does not exist`);
		return readFileSync(SPEC, 'utf8');
	};

	it('services, groups, ports (in order) and notes are the Common Use Cases tables, nothing more', () => {
		const uses = section(spec(), '## Common Use Cases');
		const fromSpec = Object.entries(GROUP_HEADINGS).flatMap(([group, heading]) =>
			tableRows(section(uses, heading)).map(([name, ports, notes]) => ({
				name,
				group,
				ports: ports.split(',').map((p) => Number(p.trim())),
				notes
			}))
		);
		expect(fromSpec.length).toBe(17);
		expect(SERVICES.map((s) => ({ name: s.name, group: s.group, ports: s.ports.map((p) => p.port), notes: s.notes }))).toEqual(fromSpec);
		// Each port's label names its service (or the service's protocol variant) and the port.
		for (const s of SERVICES) for (const p of s.ports) expect(p.label).toMatch(new RegExp(`^(${s.name}|${s.name}S)\\b.* ${p.port}$`));
	});

	it('timeout ranges are the Timeout Configuration list', () => {
		const list = section(spec(), '### Timeout Configuration');
		const fromSpec = [...list.matchAll(/^- \*\*(.+?)\*\*: (\d+)-(\d+)ms timeout$/gm)].map((m) => ({
			label: m[1],
			min: Number(m[2]),
			max: Number(m[3])
		}));
		expect(fromSpec.length).toBe(4);
		expect(TIMEOUT_GUIDANCE.map(({ label, min, max }) => ({ label, min, max }))).toEqual(fromSpec);
	});

	it('troubleshooting rows are the Common Issues table, word for word', () => {
		const rows = tableRows(section(spec(), '### Common Issues'));
		expect(rows.length).toBe(5);
		expect(TROUBLESHOOTING.map(({ issue, cause, solution }) => [issue, cause, solution])).toEqual(rows);
	});
});

describe('picker lookups', () => {
	it('offers one entry per port, labelled, with no port twice', () => {
		expect(SERVICE_PORTS.length).toBe(22);
		expect(new Set(SERVICE_PORTS.map((p) => p.port)).size).toBe(22);
		expect(SERVICE_PORTS.filter((p) => p.service === 'SMTP').map((p) => p.label)).toEqual(['SMTP 25', 'SMTP submission 587', 'SMTPS 465']);
	});

	it('finds the service for a typed port, and nothing for other text', () => {
		expect(serviceForPort('6379')?.label).toBe('Redis 6379');
		expect(serviceForPort(' 5432 ')?.service).toBe('PostgreSQL');
		expect(serviceForPort(993)?.label).toBe('IMAPS 993');
		expect(serviceForPort('9300')?.label).toBe('Elasticsearch transport 9300');
		for (const s of ['', '80', '6379x', '63 79', '-22', '22.0', '15672']) expect(serviceForPort(s)).toBeUndefined();
	});
});
