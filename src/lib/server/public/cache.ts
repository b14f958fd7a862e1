// Finished answers of the public reads, kept per snapshot: a badge or the
// Statuspage JSON is the same for every request until the snapshot changes
// (a status refresh that changed something, or a full rebuild), so the
// first request builds it (content, SVG, ETag, headers, gzip) and the rest
// are a Map lookup and an If-None-Match comparison. Keyed by the snapshot
// object, so a new snapshot starts empty and the old entries go with it.
import type { SnapshotData } from '../snapshot';
import type { Prepared } from './http';

/** Keys carry visitor-chosen options (labels, colours, cache busters): bounded. */
const MAX_ENTRIES = 2000;
const caches = new WeakMap<SnapshotData, Map<string, Prepared>>();

export function cachedAnswer(data: SnapshotData, key: string): Prepared | undefined {
	return caches.get(data)?.get(key);
}

/** Keeps `p` for `data`. Prepared answers are shared: nobody may change their headers afterwards. */
export function keepAnswer(data: SnapshotData, key: string, p: Prepared): Prepared {
	let m = caches.get(data);
	if (!m) caches.set(data, (m = new Map()));
	if (m.size >= MAX_ENTRIES) m.clear();
	m.set(key, p);
	return p;
}
