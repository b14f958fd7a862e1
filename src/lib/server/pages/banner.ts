// The overall headline from the latest status of each public
// monitor: DOWN > DEGRADED > MAINTENANCE > no recent data > UP. Monitors
// without recent data are named under the headline and never counted as up:
// "All systems operational" only when every monitor is current and up.
//
// Active incidents weigh in too (notices): the probes may be up while the
// operator knows better. A critical incident makes it a major outage, a
// major one at least a partial outage, a minor one at least degraded; an
// incident of no impact changes nothing. Maintenance in progress turns an
// all-up banner into "Maintenance in progress", and never says outage.
import type { Shown } from '$lib/status';
import type { Banner } from '$lib/types';
import { clock, hm, zoneLabel } from '$lib/time';
import { impactRank, type Impact } from '$lib/notice-words';

export interface BannerInput {
	name: string;
	/** null when the monitor has no check, or none within three slots. */
	status: Shown;
	lastCheck: Date | null;
}

export const REFRESH_SECONDS = 60;

/** What of the notices the banner needs: active incidents, maintenance in progress. */
export interface BannerNotices {
	incidents: { title: string; impact: Impact }[];
	maintenance: { title: string }[];
}

const NO_NOTICES: BannerNotices = { incidents: [], maintenance: [] };

/** How bad a banner is, on one scale with incidents: minor = degraded, major = partial outage, critical = major outage. */
function severity(b: Banner): number {
	if (b.state === 'DOWN') return b.headline === 'Major outage' ? 3 : 2;
	return b.state === 'DEGRADED' ? 1 : 0;
}

const BY_IMPACT: Record<Exclude<Impact, 'none'>, { state: Shown; headline: string }> = {
	minor: { state: 'DEGRADED', headline: 'Degraded performance' },
	major: { state: 'DOWN', headline: 'Partial outage' },
	critical: { state: 'DOWN', headline: 'Major outage' }
};

function titles(list: { title: string }[], max = 2): string {
	const t = list.map((i) => i.title);
	return t.length <= max ? t.join('; ') : `${t.slice(0, max).join('; ')} and ${t.length - max} more`;
}

/** The monitors' banner, raised by active incidents and maintenance (see the top of this file). */
export function banner(monitors: BannerInput[], now: Date, timeZone: string, notices: BannerNotices = NO_NOTICES): Banner {
	const b = monitorBanner(monitors, now, timeZone);
	const worst = notices.incidents.reduce<Impact>((w, i) => (impactRank(i.impact) > impactRank(w) ? i.impact : w), 'none');
	if (worst !== 'none' && impactRank(worst) > severity(b)) {
		const n = notices.incidents.length;
		// The monitors' own words stay as the note, unless they only said all was well.
		const probes = b.state === 'UP' ? b.note : [b.headline, b.state === 'NODATA' ? '' : b.subline, b.note].filter(Boolean).join(' · ');
		return {
			...BY_IMPACT[worst],
			subline: `${n === 1 ? 'Incident' : `${n} incidents`}: ${titles(notices.incidents)}`,
			note: monitors.length ? probes : ''
		};
	}
	if (b.state === 'UP' && notices.maintenance.length)
		return {
			state: 'MAINTENANCE',
			headline: 'Maintenance in progress',
			subline: `Under maintenance: ${titles(notices.maintenance)}`,
			note: b.subline
		};
	return b;
}

function names(list: BannerInput[], max = 3): string {
	const n = list.map((m) => m.name);
	return n.length <= max ? n.join(', ') : `${n.slice(0, max).join(', ')} and ${n.length - max} more`;
}

function monitorBanner(monitors: BannerInput[], now: Date, timeZone: string): Banner {
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
