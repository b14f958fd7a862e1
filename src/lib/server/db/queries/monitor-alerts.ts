// The monitor side of alerts: which channels a monitor names (monitor_channels,
// by channel name in the spec's JSON), and what one check of a monitor alerts:
// its channels (named ∪ scope 'all' ∪ scope 'group' of its group) with its
// own confirmation settings. Kept apart from alerts.ts (channels, outbox,
// deliveries) so each side changes without touching the other.
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../index';
import { alertChannels, monitorChannels } from '../schema';
import type { ChannelType, MonitorAlertSettings } from '../../alert-types';
import { byCodePoint } from '../../types';

export interface AlertTargets {
	/** Channel ids, ascending; never empty (no channels: alertTargetsOf gives null). */
	channels: number[];
	settings: MonitorAlertSettings;
	monitor: { tag: string; name: string };
}

/**
 * What a check of this monitor alerts, or null when nothing: the monitor is
 * inactive or no channel serves it. Asked on every check write, so it is one
 * statement, written out rather than built (drizzle's builder cost more than
 * the statement: bench/alert-targets.ts): the monitor by primary key, its
 * named channels by monitor_channels' key (monitor first; uncorrelated, so
 * it is one index scan, not a scan of every monitor's rows), then
 * alert_channels (a handful of rows) filtered by scope or by that set. A monitor with no channels gets no row back
 * and the check write goes on at once.
 */
export async function alertTargetsOf(tx: Tx, monitorId: number): Promise<AlertTargets | null> {
	const r = await tx.execute(alertTargetsSql(monitorId));
	const rows = (Array.isArray(r) ? r : (r as unknown as { rows: TargetRow[] }).rows) as TargetRow[];
	if (rows.length === 0) return null;
	const m = rows[0];
	return {
		channels: rows.map((x) => Number(x.id)),
		settings: { down: m.down, up: m.up, degraded: m.degraded, remindMinutes: m.remind },
		monitor: { tag: m.tag, name: m.name }
	};
}

interface TargetRow {
	id: number;
	tag: string;
	name: string;
	down: number;
	up: number;
	degraded: boolean;
	remind: number | null;
}

/** alertTargetsOf's statement (bench/alert-targets.ts prints its plan). */
export const alertTargetsSql = (monitorId: number) => sql`
	select c.id, m.tag, m.name, m.alert_down as down, m.alert_up as up, m.alert_degraded as degraded, m.alert_remind_minutes as remind
	from monitors m
	join alert_channels c on c.scope = 'all'
		or (c.scope = 'group' and c.scope_group = m.group_name)
		or c.id in (select mc.channel_id from monitor_channels mc where mc.monitor_id = ${monitorId})
	where m.id = ${monitorId} and m.active
	order by c.id`;

/** A monitor names channels that do not exist: nothing was written. */
export class UnknownChannelError extends Error {
	constructor(
		/** Per unknown name: the monitor's index in the written list, the name's index in its `channels`, the name. */
		readonly missing: { monitor: number; channel: number; name: string }[]
	) {
		super(`no channel named ${missing.map((m) => JSON.stringify(m.name)).join(', ')}`);
		this.name = 'UnknownChannelError';
	}
}

/**
 * Channel names → ids, for monitors about to be written (each a list of
 * names); throws UnknownChannelError naming every unknown one.
 */
export async function resolveChannelNames(tx: Tx, lists: string[][]): Promise<number[][]> {
	const names = [...new Set(lists.flat())];
	const found =
		names.length === 0
			? []
			: await tx.select({ id: alertChannels.id, name: alertChannels.name }).from(alertChannels).where(inArray(alertChannels.name, names));
	const ids = new Map(found.map((c) => [c.name, c.id]));
	const missing = lists.flatMap((list, monitor) => list.flatMap((name, channel) => (ids.has(name) ? [] : [{ monitor, channel, name }])));
	if (missing.length) throw new UnknownChannelError(missing);
	return lists.map((list) => list.map((n) => ids.get(n)!));
}

/** Makes the monitor's named channels exactly these (writing a monitor replaces its set). */
export async function replaceMonitorChannels(tx: Tx, monitorId: number, channelIds: number[]): Promise<void> {
	await tx.delete(monitorChannels).where(eq(monitorChannels.monitorId, monitorId));
	if (channelIds.length === 0) return;
	await tx
		.insert(monitorChannels)
		.values(channelIds.map((channelId) => ({ monitorId, channelId })))
		.onConflictDoNothing();
}

/** The names of the channels each monitor names, sorted (the spec's `channels`); monitors without any are absent. */
export async function channelNamesByMonitor(db: Tx, monitorIds?: number[]): Promise<Map<number, string[]>> {
	if (monitorIds && monitorIds.length === 0) return new Map();
	const rows = await db
		.select({ monitorId: monitorChannels.monitorId, name: alertChannels.name })
		.from(monitorChannels)
		.innerJoin(alertChannels, eq(alertChannels.id, monitorChannels.channelId))
		.where(monitorIds ? inArray(monitorChannels.monitorId, monitorIds) : undefined);
	const out = new Map<number, string[]>();
	for (const r of rows) {
		const list = out.get(r.monitorId);
		if (list) list.push(r.name);
		else out.set(r.monitorId, [r.name]);
	}
	for (const list of out.values()) list.sort(byCodePoint);
	return out;
}

export interface ChannelChoice {
	name: string;
	type: ChannelType;
	scope: 'monitors' | 'all' | 'group';
	scopeGroup: string | null;
}

/** Every channel as the monitor editor offers it: name, type and scope, never its config. */
export async function listChannelChoices(db: Db): Promise<ChannelChoice[]> {
	return db
		.select({ name: alertChannels.name, type: alertChannels.type, scope: alertChannels.scope, scopeGroup: alertChannels.scopeGroup })
		.from(alertChannels)
		.orderBy(asc(alertChannels.name));
}
