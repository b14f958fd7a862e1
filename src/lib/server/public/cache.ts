// The one cache of the public reads' answers (badges, Statuspage JSON), kept
// per snapshot: an answer is the same for every request until the snapshot
// changes (a status refresh that changed something, or a full rebuild), so
// the first request renders it (body, ETag, cache headers) and the rest are a
// Map lookup and an If-None-Match comparison. Keyed by the snapshot object,
// so a new snapshot starts empty and the old entries go with it.
//
// An entry holds the rendered body once; its identity and gzip
// representations are made from it when first asked for, so a client that
// sends Accept-Encoding and one that does not share the rendering (for
// summary.json, a stringify of ~300 KB per snapshot, not two).
import type { SnapshotData } from '../snapshot';
import { acceptsGzip, answer, prepare, type Body, type Plain, type PrepareOptions, type Prepared } from './http';

/** A rendered answer before content negotiation: the body and how it may be cached. */
export type Rendition = Omit<PrepareOptions, 'acceptEncoding'> & { body: Body };

/** What of a request picks the representation and the 304. */
export interface Negotiation {
	acceptEncoding?: string | null;
	ifNoneMatch: string | null;
}

interface Entry {
	rendition: Rendition;
	identity?: Prepared;
	gzip?: Prepared;
}

/** Keys carry visitor-chosen options (labels, colours, cache busters): bounded. */
const MAX_ENTRIES = 2000;
const caches = new WeakMap<SnapshotData, Map<string, Entry>>();

function representation(e: Entry, gzip: boolean): Prepared {
	// Prepared answers are shared: nobody may change their headers afterwards.
	if (gzip) return (e.gzip ??= prepare(e.rendition.body, { ...e.rendition, acceptEncoding: 'gzip' }));
	return (e.identity ??= prepare(e.rendition.body, { ...e.rendition, acceptEncoding: null }));
}

/** The answer to one request for a rendition nobody keeps (no snapshot yet). */
export function answerOnce(r: Rendition, q: Negotiation): Plain {
	return answer(prepare(r.body, { ...r, acceptEncoding: q.acceptEncoding }), q.ifNoneMatch);
}

/**
 * The answer for `key` under the snapshot `data`: rendered by `render` on
 * the first request, looked up after that. `key` names everything the
 * rendition depends on besides the snapshot (not the encoding).
 */
export function cachedAnswer(data: SnapshotData, key: string, render: () => Rendition, q: Negotiation): Plain {
	let m = caches.get(data);
	if (!m) caches.set(data, (m = new Map()));
	let e = m.get(key);
	if (!e) {
		const rendition = render();
		if (m.size >= MAX_ENTRIES) m.clear();
		m.set(key, (e = { rendition }));
	}
	return answer(representation(e, acceptsGzip(q.acceptEncoding)), q.ifNoneMatch);
}
