// The confirmation state machine, pure: one lost packet must alert nobody.
// A monitor is confirmed down after `down` consecutive checks that are not UP
// and confirmed recovered after `up` consecutive UP checks; each confirmation
// emits one message. The state is stored per monitor (monitor_alert_state), so
// a restart or another worker carries on where the last check left it.
// While down, a monitor with `remindMinutes` set is reminded of every that
// many minutes (counted from the last message), so a long outage is not forgotten.
import type { MonitorStatus } from '../types';
import type { StoredAlertState } from '../db/queries/alerts';
import type { MonitorAlertSettings } from '../alert-types';

export interface ConfirmSettings {
	/** Consecutive not-UP checks before 'down' (default 2). */
	down: number;
	/** Consecutive UP checks before 'recovered' (default 2). */
	up: number;
	/** Whether a DEGRADED check counts as not UP (default no: it counts as UP). */
	degradedIsDown: boolean;
	/** Minutes between reminders while confirmed down; null or absent: none. */
	remindMinutes?: number | null;
}

export const DEFAULT_CONFIRM: ConfirmSettings = { down: 2, up: 2, degradedIsDown: false, remindMinutes: null };

/** A monitor's stored settings (monitors.alert_*) as the state machine's. */
export const confirmSettingsOf = (s: MonitorAlertSettings): ConfirmSettings => ({
	down: s.down,
	up: s.up,
	degradedIsDown: s.degraded,
	remindMinutes: s.remindMinutes
});

/** A monitor's stored alert state (db/queries/alerts.ts keeps it, one row per monitor). */
export type AlertState = StoredAlertState;

/** A monitor never seen: up, no streaks (so a monitor that starts down alerts after `down` checks). */
export const INITIAL_STATE: AlertState = {
	state: 'up',
	badCount: 0,
	badSince: null,
	goodCount: 0,
	goodSince: null,
	since: null,
	lastStatus: null,
	lastTs: null,
	lastNotifiedAt: null,
	reminders: 0
};

export type Emit =
	| { kind: 'down'; status: MonitorStatus; at: Date; since: Date }
	/** The `reminder`th reminder (1, 2, …) of the outage that began at `since`. */
	| { kind: 'reminder'; status: MonitorStatus; at: Date; since: Date; reminder: number }
	| { kind: 'recovered'; status: MonitorStatus; at: Date; since: Date; durationSeconds: number | null };

// Streaks are capped so a monitor down for years cannot overflow the integer column.
const CAP = 1_000_000;

/**
 * The state after a check of `status` at slot `ts`, and what to send, if anything.
 * A check not newer than the last one counted (a late write) changes nothing.
 * MAINTENANCE neither counts nor resets a streak: nothing alerts in maintenance.
 */
export function step(
	prev: AlertState,
	status: MonitorStatus,
	ts: Date,
	settings: ConfirmSettings = DEFAULT_CONFIRM
): { next: AlertState; emit: Emit | null } {
	if (prev.lastTs && ts.getTime() <= prev.lastTs.getTime()) return { next: prev, emit: null };
	const seen = { ...prev, lastStatus: status, lastTs: ts };
	if (status === 'MAINTENANCE') return { next: seen, emit: null };

	const bad = status === 'DOWN' || (status === 'DEGRADED' && settings.degradedIsDown);
	if (bad) {
		const badSince = prev.badCount === 0 ? ts : (prev.badSince ?? ts);
		const next: AlertState = {
			...seen,
			badCount: Math.min(prev.badCount + 1, CAP),
			badSince,
			goodCount: 0,
			goodSince: null
		};
		if (prev.state === 'up' && next.badCount >= Math.max(1, settings.down)) {
			return {
				next: { ...next, state: 'down', since: badSince, lastNotifiedAt: ts, reminders: 0 },
				emit: { kind: 'down', status, at: ts, since: badSince }
			};
		}
		// Reminders only on a check that still fails: an UP check while down is a recovery under way.
		const remind = settings.remindMinutes;
		const last = prev.lastNotifiedAt ?? prev.since;
		if (prev.state === 'down' && remind && last && ts.getTime() - last.getTime() >= remind * 60_000) {
			const reminder = Math.min(prev.reminders + 1, CAP);
			const since = prev.since ?? badSince;
			return {
				next: { ...next, lastNotifiedAt: ts, reminders: reminder },
				emit: { kind: 'reminder', status, at: ts, since, reminder }
			};
		}
		return { next, emit: null };
	}

	const goodSince = prev.goodCount === 0 ? ts : (prev.goodSince ?? ts);
	const next: AlertState = { ...seen, goodCount: Math.min(prev.goodCount + 1, CAP), goodSince, badCount: 0, badSince: null };
	if (prev.state === 'down' && next.goodCount >= Math.max(1, settings.up)) {
		// The outage lasted from its first failing slot to the first UP slot of the streak that ended it.
		const durationSeconds = prev.since ? Math.max(0, Math.round((goodSince.getTime() - prev.since.getTime()) / 1000)) : null;
		return {
			next: { ...next, state: 'up', since: goodSince, lastNotifiedAt: null, reminders: 0 },
			emit: { kind: 'recovered', status, at: ts, since: goodSince, durationSeconds }
		};
	}
	return { next, emit: null };
}
