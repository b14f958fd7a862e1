// What Slack and Discord share: the lines of a digest, each cut to a length
// a chat message can hold, and splitting text into pieces on line boundaries.
import { viewOf, type MessageView } from './messages';
import type { Outgoing } from './types';

/** A single line never takes more than this (a monitor's name can be long). */
export const LINE_MAX = 300;

export const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export const viewsOf = (out: Outgoing): MessageView[] => out.messages.map((m) => viewOf(m.payload));

/** Splits text at newlines into pieces of at most `max` characters (each line is shorter than max). */
export function chunks(text: string, max: number): string[] {
	const out: string[] = [];
	let cur = '';
	for (const line of text.split('\n')) {
		if (cur && cur.length + 1 + line.length > max) {
			out.push(cur);
			cur = line;
		} else cur = cur ? `${cur}\n${line}` : line;
	}
	if (cur) out.push(cur);
	return out;
}
