// Status changes (status_changes) of one monitor, newest first, a page at a time.
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../index';
import { statusChanges } from '../schema';

/** Changes since `from` and, for an older page, before `before`; newest first, at most `limit`. */
export async function statusChangesPage(db: Db, monitorId: number, opts: { from: Date; before: Date | null; limit: number }) {
	return db
		.select()
		.from(statusChanges)
		.where(
			and(
				eq(statusChanges.monitorId, monitorId),
				gte(statusChanges.ts, opts.from),
				opts.before ? lt(statusChanges.ts, opts.before) : undefined
			)
		)
		.orderBy(desc(statusChanges.ts))
		.limit(opts.limit);
}
