// Incidents and maintenance in memory, as visitors may see them, so the
// status pages, the feed and the Statuspage JSON read no table per request.
// Kept: every unresolved incident, those resolved in the last KEEP_DAYS (the
// bars' day tooltips reach 90 days back), and at least the latest 50 (the
// length of Statuspage's lists); every window not over KEEP_DAYS ago, and the
// latest 50. Older ones are read from the database by /history.
//
// Writes in this process call refresh() and wait for it, so the page an admin
// opens next shows the change; writes elsewhere (another web process) show
// within refreshMs, through a cheap fingerprint of the three tables involved
// (a monitor renamed or hidden changes what an incident shows).
import type { Db } from '../db/index';
import { incidentsFingerprint, recentIncidents } from '../db/queries/incidents';
import { maintenancesFingerprint, recentMaintenances } from '../db/queries/maintenance';
import { monitorsFingerprint } from '../db/queries/monitors';
import type { Incident, Maintenance } from '../incidents/model';
import type { Logger } from '../log';
import { toIncident, toMaintenance } from './rows';

export const KEEP_DAYS = 100;
const LATEST = 50;

export interface NoticesData {
	/** Increments with every reload: answer caches key on it. */
	version: number;
	loadedAt: Date;
	/** Newest start first. */
	incidents: Incident[];
	/** Newest first start first. */
	maintenances: Maintenance[];
}

export interface NoticesOptions {
	db: Db;
	log?: Pick<Logger, 'warn'>;
	/** Poll for writes made by other processes (ms); default 10 000. */
	refreshMs?: number;
	now?: () => Date;
}

const EMPTY: NoticesData = { version: 0, loadedAt: new Date(0), incidents: [], maintenances: [] };

export class Notices {
	private data: NoticesData = EMPTY;
	private fingerprint = '';
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;
	private again = false;
	lastError: string | null = null;

	constructor(private o: NoticesOptions) {}

	async start(): Promise<void> {
		await this.refresh();
		if (this.timer) return;
		this.timer = setInterval(() => void this.refresh(), this.o.refreshMs ?? 10_000);
		this.timer.unref?.();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	/** What is loaded; empty (version 0) until the first load. */
	current(): NoticesData {
		return this.data;
	}

	/** Reloads if anything changed. A call during a reload runs one more, so its caller sees its own write. */
	refresh(force = false): Promise<void> {
		if (this.running) {
			this.again = true;
			return this.running;
		}
		this.running = (async () => {
			do {
				this.again = false;
				await this.load(force);
			} while (this.again);
		})().finally(() => (this.running = null));
		return this.running;
	}

	private async load(force: boolean) {
		try {
			const db = this.o.db;
			const fp = (await Promise.all([incidentsFingerprint(db), maintenancesFingerprint(db), monitorsFingerprint(db)])).join('|');
			if (!force && fp === this.fingerprint && this.data.version) return;
			const now = this.o.now?.() ?? new Date();
			const since = new Date(now.getTime() - KEEP_DAYS * 86_400_000);
			const [incidents, maintenances] = await Promise.all([recentIncidents(db, since, LATEST), recentMaintenances(db, since, LATEST)]);
			this.fingerprint = fp;
			this.data = {
				version: this.data.version + 1,
				loadedAt: now,
				incidents: incidents.map((r) => toIncident(r, true)),
				maintenances: maintenances.flatMap((r) => toMaintenance(r, true) ?? [])
			};
			this.lastError = null;
		} catch (err) {
			// Keep serving what was loaded; the next poll tries again.
			this.lastError = err instanceof Error ? err.message : String(err);
			this.o.log?.warn('could not load incidents and maintenance', { error: this.lastError });
		}
	}
}
