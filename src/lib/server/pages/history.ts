// /history: incidents and past maintenance grouped by month in the site zone,
// newest first, a page at a time (UI.md §10). Months between two that had
// entries are listed too, saying "No incidents reported", so a quiet month is
// visibly quiet instead of missing.
import type { Incident, Maintenance } from '../incidents/model';
import { isRecurring, occurrences } from '../maintenance/recurrence';
import { windowBounds } from '../maintenance/stored';
import { dayKey, duration, hm, shortDay, zoneLabel } from '$lib/time';
import type { Impact } from '$lib/notice-words';

export const HISTORY_PER_PAGE = 25;
/** Pages further back than this are refused (each page reads every entry before it). */
export const HISTORY_MAX_PAGE = 200;

export interface HistoryEntry {
	kind: 'incident' | 'maintenance';
	id: string;
	title: string;
	/** 'maintenance' for windows. */
	impact: Impact | 'maintenance';
	href: string;
	/** "14 Oct 14:03 → 16:17 UTC", "3 Oct 02:00 → 4 Oct 03:00 UTC", "14 Oct 14:03 UTC → now". */
	dates: string;
	/** "2 h 14 min", "ongoing", or for a recurring window "recurring". */
	length: string;
	start: string;
}

export interface HistoryMonth {
	/** "2026-10" */
	key: string;
	/** "October 2026" */
	label: string;
	entries: HistoryEntry[];
}

export interface HistoryView {
	months: HistoryMonth[];
	page: number;
	/** The page numbers of the neighbours, null at either end. */
	newer: number | null;
	older: number | null;
}

/** The ?page= of the URL: 1 to HISTORY_MAX_PAGE; anything else is the first page. */
/** The page asked for: 1 when none is, null when what is asked is not a page (a 404, not page 1 in disguise). */
export function parsePage(raw: string | null): number | null {
	if (raw === null) return 1;
	const n = /^[1-9]\d{0,3}$/.test(raw) ? Number(raw) : 0;
	return n >= 1 && n <= HISTORY_MAX_PAGE ? n : null;
}

function span(start: Date, end: Date | null, tz: string): string {
	const from = `${shortDay(dayKey(start, tz))} ${hm(start, tz)}`;
	if (!end) return `${from} ${zoneLabel(tz)} → now`;
	const to = dayKey(end, tz) === dayKey(start, tz) ? hm(end, tz) : `${shortDay(dayKey(end, tz))} ${hm(end, tz)}`;
	return `${from} → ${to} ${zoneLabel(tz)}`;
}

export function incidentEntry(i: Incident, tz: string): HistoryEntry {
	return {
		kind: 'incident',
		id: i.id,
		title: i.title,
		impact: i.impact,
		href: `/incidents/${encodeURIComponent(i.id)}`,
		dates: span(i.startedAt, i.resolvedAt, tz),
		length: i.resolvedAt ? duration(i.resolvedAt.getTime() - i.startedAt.getTime()) : 'ongoing',
		start: i.startedAt.toISOString()
	};
}

/** A window that has begun by `now` (a cancelled one-off never did), else null. */
export function pastMaintenanceEntry(m: Maintenance, now: Date, tz: string): HistoryEntry | null {
	const w = m.window;
	const { firstStart, lastEnd } = windowBounds(w);
	if (firstStart > now) return null;
	const base = {
		kind: 'maintenance' as const,
		id: m.id,
		title: m.title,
		impact: 'maintenance' as const,
		href: `/maintenance/${encodeURIComponent(m.id)}`
	};
	if (isRecurring(w)) {
		const end = w.endedAt ?? (lastEnd && lastEnd <= now ? lastEnd : null);
		return {
			...base,
			dates: `${span(firstStart, end, tz)}`.replace(/→ now$/, 'onwards'),
			length: 'recurring',
			start: firstStart.toISOString()
		};
	}
	const [o] = occurrences(w, new Date(w.start.getTime() - 1), new Date(w.end.getTime() + 1));
	if (!o) return null;
	return {
		...base,
		dates: span(o.start, o.end, tz),
		length: o.end <= now ? duration(o.end.getTime() - o.start.getTime()) : 'ongoing',
		start: o.start.toISOString()
	};
}

const monthKey = (iso: string, tz: string) => dayKey(new Date(iso), tz).slice(0, 7);
const monthLabel = (key: string) =>
	new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${key}-15T12:00:00Z`));

function previousMonth(key: string): string {
	const [y, m] = key.split('-').map(Number);
	return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * One page of history. `incidents` and `maintenances` are the newest
 * entries up to this page's end and one more (page × HISTORY_PER_PAGE + 1 of
 * each), newest first; the page takes its slice of the two merged.
 */
export function historyView(
	incidents: Incident[],
	maintenances: Maintenance[],
	opts: { page: number; now: Date; timeZone: string; perPage?: number }
): HistoryView {
	const tz = opts.timeZone;
	const per = opts.perPage ?? HISTORY_PER_PAGE;
	const all = [
		...incidents.map((i) => incidentEntry(i, tz)),
		...maintenances.flatMap((m) => pastMaintenanceEntry(m, opts.now, tz) ?? [])
	].sort((a, b) => b.start.localeCompare(a.start) || a.kind.localeCompare(b.kind) || Number(b.id) - Number(a.id));
	const from = (opts.page - 1) * per;
	const entries = all.slice(from, from + per);
	const months: HistoryMonth[] = [];
	// The first page starts at this month, so a quiet current month says so.
	let key = opts.page === 1 ? dayKey(opts.now, tz).slice(0, 7) : entries.length ? monthKey(entries[0].start, tz) : null;
	const last = entries.length ? monthKey(entries[entries.length - 1].start, tz) : key;
	while (key && last && key >= last) {
		const k = key;
		months.push({ key: k, label: monthLabel(k), entries: entries.filter((e) => monthKey(e.start, tz) === k) });
		key = previousMonth(k);
	}
	return {
		months,
		page: opts.page,
		newer: opts.page > 1 ? opts.page - 1 : null,
		older: all.length > from + per && opts.page < HISTORY_MAX_PAGE ? opts.page + 1 : null
	};
}
