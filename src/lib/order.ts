// One order for every list of monitors a person reads: the home
// page, its groups, the admin list, the JSON lists and Statuspage components.
// Ungrouped monitors first, then groups by name; within a group the explicit
// order, then the name; names compare naturally, so "TCP 2" comes before
// "TCP 10" (plain text order gives TCP 1, TCP 10, TCP 100, TCP 101, …).
// A fixed locale keeps the order the same on every machine.

/** The one collator for names: numeric runs compare as numbers, case and accents do not split ties. */
export const nameCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order of two names; names equal to the collator fall back to code-unit order (a total order). */
export function compareNames(a: string, b: string): number {
	return nameCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export interface PageOrderKey {
	group: string | null;
	/** The monitor's explicit order (sort_order). */
	order: number;
	name: string;
	/** Unique: the last tie-break, so the order is total. */
	tag: string;
}

export function comparePageOrder(a: PageOrderKey, b: PageOrderKey): number {
	if (a.group !== b.group) {
		if (a.group === null) return -1;
		if (b.group === null) return 1;
		const g = compareNames(a.group, b.group);
		if (g) return g;
	}
	return a.order - b.order || compareNames(a.name, b.name) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
}

/** Sorts in place into page order and returns the array. */
export function inPageOrder<T>(rows: T[], key: (r: T) => PageOrderKey): T[] {
	return rows.sort((a, b) => comparePageOrder(key(a), key(b)));
}
