// The overall headline from the latest status of each public
// monitor: DOWN > DEGRADED > MAINTENANCE > no recent data > UP. Monitors
// without recent data are named under the headline and never counted as up:
// "All systems operational" only when every monitor is current and up.
import type { Shown } from '$lib/status';
import type { Banner } from '$lib/types';
import { clock, hm, zoneLabel } from '$lib/time';

export interface BannerInput {
	name: string;
	/** null when the monitor has no check, or none within three slots. */
	status: Shown;
	lastCheck: Date | null;
}

export const REFRESH_SECONDS = 60;

function names(list: BannerInput[], max = 3): string {
	const n = list.map((m) => m.name);
	return n.length <= max ? n.join(', ') : `${n.slice(0, max).join(', ')} and ${n.length - max} more`;
}

export function banner(monitors: BannerInput[], now: Date, timeZone: string): Banner {
	const tz = zoneLabel(timeZone);
	if (monitors.length === 0) return { state: 'NODATA', headline: 'No monitors to show yet', subline: '', note: '' };
	const by = (s: Shown) => monitors.filter((m) => m.status === s);
	const down = by('DOWN');
	const degraded = by('DEGRADED');
	const maint = by('MAINTENANCE');
	const nodata = by('NODATA');
	const withData = monitors.length - nodata.length;
	const note = nodata.length ? `${nodata.length} monitor${nodata.length === 1 ? ' has' : 's have'} no recent data: ${names(nodata)}` : '';
	if (withData === 0) {
		const last = monitors.reduce<Date | null>((a, m) => (m.lastCheck && (!a || m.lastCheck > a) ? m.lastCheck : a), null);
		return {
			state: 'NODATA',
			headline: 'Status unknown',
			subline: last ? `No checks since ${hm(last, timeZone)} ${tz}, data may be stale` : 'Waiting for the first check',
			note: ''
		};
	}
	if (down.length > 0) {
		if (down.length === monitors.length)
			return { state: 'DOWN', headline: 'Major outage', subline: `All ${monitors.length} monitors are down`, note };
		return {
			state: 'DOWN',
			headline: 'Partial outage',
			subline: `${down.length} of ${monitors.length} monitors down: ${names(down)}`,
			note
		};
	}
	if (degraded.length > 0)
		return { state: 'DEGRADED', headline: 'Degraded performance', subline: `Slow or partly failing: ${names(degraded)}`, note };
	if (maint.length > 0)
		return { state: 'MAINTENANCE', headline: 'Maintenance in progress', subline: `Under maintenance: ${names(maint)}`, note };
	const updated = `Updated ${clock(now, timeZone)} ${tz} · refreshes every ${REFRESH_SECONDS} s`;
	// Every monitor with data is up, but not every monitor has data: that is
	// not "all systems operational", it is unknown for those.
	if (nodata.length > 0)
		return {
			state: 'NODATA',
			headline: `${nodata.length} monitor${nodata.length === 1 ? ' has' : 's have'} no recent data`,
			subline: `The other ${withData} ${withData === 1 ? 'is' : 'are'} operational · ${updated}`,
			note: `No recent data: ${names(nodata)}`
		};
	return { state: 'UP', headline: 'All systems operational', subline: updated, note };
}
