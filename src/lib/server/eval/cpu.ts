// CPU time of one thread, for the short limit of the main and probation lanes
// (lanes.ts): on a busy machine a healthy evaluation can wait for a core far
// longer than it runs, and a wall-clock limit would blame its code for that.
// Linux only (/proc); elsewhere these return null and callers fall back to
// wall-clock time. The eval worker loads it too.
import { readFileSync, readlinkSync } from 'node:fs';

/** Linux's USER_HZ: the unit of utime/stime in /proc stat files (100 on every mainstream build). */
const TICK_MS = 10;

/**
 * utime + stime of a thread in ms (10 ms steps), or null when unreadable.
 * `tid`: a thread id of this process; default: the calling thread.
 */
export function threadCpuMs(tid?: number): number | null {
	try {
		const stat = readFileSync(tid === undefined ? '/proc/thread-self/stat' : `/proc/self/task/${tid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(f[11]) + Number(f[12]);
		return Number.isFinite(ticks) ? ticks * TICK_MS : null;
	} catch {
		return null;
	}
}

/** The calling thread's id (Linux), or undefined. */
export function currentThreadId(): number | undefined {
	try {
		const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
		return Number.isInteger(tid) && tid > 0 ? tid : undefined;
	} catch {
		return undefined;
	}
}
