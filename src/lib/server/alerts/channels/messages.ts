// The words of an alert, pure: one view per outbox payload (down, recovered,
// reminder, test) and the summary of a storm digest. Every channel type
// (channels/*.ts) formats these same words its own way, so a message reads
// the same in Slack, Discord and email. Times are shown in UTC: the sender
// knows no viewer's zone, and UTC is unambiguous across a team.

export type MessageKind = 'down' | 'recovered' | 'reminder' | 'test';

/** One message to render: its idempotency key and stored payload. */
export interface MessageIn {
	idempotencyKey: string;
	payload: Record<string, unknown>;
}

export interface MessageView {
	kind: MessageKind | 'unknown';
	/** Short label: DOWN, RECOVERED, STILL DOWN, TEST. */
	label: string;
	/** "Database (db)", or the channel's name for a test. */
	subject: string;
	/** The whole sentence, e.g. "Database (db) is DOWN since 2026-06-01 12:00:00 UTC". */
	text: string;
	/** The colour of the kind (RGB), for Discord embeds and the email's mark. */
	colour: number;
	/** An emoji for chat services. */
	emoji: string;
}

export const COLOURS = { down: 0xd92d20, recovered: 0x12b76a, reminder: 0xf79009, test: 0x2e90fa, unknown: 0x667085 } as const;
const EMOJI = { down: '🔴', recovered: '🟢', reminder: '🟠', test: '🔵', unknown: '⚪' } as const;
const LABEL = { down: 'DOWN', recovered: 'RECOVERED', reminder: 'STILL DOWN', test: 'TEST', unknown: 'ALERT' } as const;

/** "45 s", "4 min 10 s", "2 h 5 min", "3 d 4 h": the two largest units, a zero second unit left out. */
export function humanDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	const units: [number, string][] = [
		[86_400, 'd'],
		[3600, 'h'],
		[60, 'min'],
		[1, 's']
	];
	const i = units.findIndex(([n]) => s >= n);
	if (i === -1) return '0 s';
	const [big, bigName] = units[i];
	const first = `${Math.floor(s / big)} ${bigName}`;
	if (i === units.length - 1) return first;
	const [small, smallName] = units[i + 1];
	const rest = Math.floor((s % big) / small);
	return rest ? `${first} ${rest} ${smallName}` : first;
}

/** An ISO time as "2026-06-01 12:00:05 UTC"; anything else as given. */
export function formatTime(value: unknown): string {
	if (typeof value !== 'string') return 'an unknown time';
	const d = new Date(value);
	if (Number.isNaN(d.getTime())) return value;
	return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** "Database (db)", or the tag alone when the name is empty. */
export function monitorTitle(payload: Record<string, unknown>): string {
	const m = (payload.monitor ?? {}) as { tag?: unknown; name?: unknown };
	const tag = str(m.tag);
	const name = str(m.name);
	return name && tag ? `${name} (${tag})` : name || tag || 'a monitor';
}

function seconds(from: unknown, to: unknown): number | null {
	const a = Date.parse(str(from));
	const b = Date.parse(str(to));
	return Number.isNaN(a) || Number.isNaN(b) ? null : Math.max(0, (b - a) / 1000);
}

/** What one outbox payload says, in words. */
export function viewOf(payload: Record<string, unknown>): MessageView {
	const k = payload.kind;
	const kind: MessageView['kind'] = k === 'down' || k === 'recovered' || k === 'reminder' || k === 'test' ? k : 'unknown';
	const base = { kind, label: LABEL[kind], colour: COLOURS[kind], emoji: EMOJI[kind] };
	if (kind === 'test') {
		const name = str((payload.channel as { name?: unknown } | undefined)?.name) || 'this channel';
		return { ...base, subject: name, text: `Test message from Porthole to channel "${name}", sent ${formatTime(payload.at)}` };
	}
	const subject = monitorTitle(payload);
	if (kind === 'down') return { ...base, subject, text: `${subject} is DOWN since ${formatTime(payload.since)}` };
	if (kind === 'recovered') {
		const d = typeof payload.durationSeconds === 'number' ? payload.durationSeconds : null;
		const lasted = d === null ? '' : `, down for ${humanDuration(d)}`;
		return { ...base, subject, text: `${subject} is UP again${lasted} (recovered ${formatTime(payload.since)})` };
	}
	if (kind === 'reminder') {
		const after = seconds(payload.since, payload.at);
		const n = typeof payload.reminder === 'number' ? `, reminder ${payload.reminder}` : '';
		const still = after === null ? 'is still DOWN' : `is still DOWN after ${humanDuration(after)}`;
		return { ...base, subject, text: `${subject} ${still} (since ${formatTime(payload.since)}${n})` };
	}
	return { ...base, subject, text: `${subject}: ${str(payload.kind) || 'alert'} (${str(payload.status)})` };
}

/** "[Porthole] DOWN: Database (db)". */
export const emailSubject = (v: MessageView) => `[Porthole] ${v.label}: ${v.subject}`;

/** A digest's counts by kind, in a fixed order: "28 DOWN, 2 recovered". */
export function digestCounts(views: MessageView[]): string {
	const n = (k: MessageView['kind']) => views.filter((v) => v.kind === k).length;
	const parts: [number, string][] = [
		[n('down'), 'DOWN'],
		[n('reminder'), 'still DOWN'],
		[n('recovered'), 'recovered'],
		[n('test'), 'test'],
		[n('unknown'), 'other']
	];
	return parts
		.filter(([c]) => c > 0)
		.map(([c, w]) => `${c} ${w}`)
		.join(', ');
}

/** "30 alerts at once: 28 DOWN, 2 recovered". */
export const digestSummary = (views: MessageView[]) =>
	`${views.length} alert${views.length === 1 ? '' : 's'} at once: ${digestCounts(views)}`;

/**
 * As many lines as fit in `max` characters (joined by newlines), then
 * "…and N more" (counted in the budget): chat services cut or refuse longer text.
 */
export function fitLines(lines: string[], max: number, more = (n: number) => `…and ${n} more`): { text: string; shown: number } {
	const all = lines.join('\n');
	if (all.length <= max) return { text: all, shown: lines.length };
	let used = 0;
	let shown = 0;
	for (const line of lines) {
		const cost = line.length + (shown ? 1 : 0);
		const rest = lines.length - shown - 1;
		// Room for this line, and for the "and N more" line if any remain after it.
		const tail = rest > 0 ? more(rest).length + 1 : 0;
		if (used + cost + tail > max) break;
		used += cost;
		shown++;
	}
	const tail = more(lines.length - shown);
	return { text: shown ? `${lines.slice(0, shown).join('\n')}\n${tail}` : tail.slice(0, max), shown };
}
