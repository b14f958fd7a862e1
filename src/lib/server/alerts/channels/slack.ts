// Slack incoming webhook: `text` (the notification and fallback) plus
// `blocks`. Slack's limits: 50 blocks a message, 3000 characters a section;
// a digest lists as many alerts as fit in a few sections, then "…and N more".
// Slack answers 200 "ok", or an error code in the body (404 "no_service").
import type { SlackConfig } from '../../alert-types';
import { digestSummary, fitLines } from './messages';
import { chunks, cut, LINE_MAX, viewsOf } from './chat';
import { postJson } from './http';
import type { ChannelSender } from './types';

/** Slack's mrkdwn: only &, < and > must be escaped (they start links and mentions). */
export const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const SECTION_MAX = 3000;
/** The digest's list: at most this many characters over at most 10 sections, far under 50 blocks. */
const LIST_MAX = 10 * (SECTION_MAX - 100);

export interface SlackPayload {
	text: string;
	blocks: Record<string, unknown>[];
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

export const slack: ChannelSender<SlackConfig, SlackPayload> = {
	render(out) {
		const views = viewsOf(out);
		if (!out.digest) {
			const v = views[0];
			return {
				text: cut(`${v.emoji} ${v.text}`, SECTION_MAX),
				blocks: [
					section(cut(`${v.emoji} *${v.label}*: ${slackEscape(v.text)}`, SECTION_MAX)),
					context(`Porthole · ${slackEscape(out.key)}`)
				]
			};
		}
		const summary = digestSummary(views);
		const lines = views.map((v) => cut(`${v.emoji} ${slackEscape(v.text)}`, LINE_MAX));
		const list = fitLines(lines, LIST_MAX).text;
		return {
			text: `🚨 ${summary}`,
			blocks: [
				section(`🚨 *${slackEscape(summary)}*`),
				...chunks(list, SECTION_MAX - 100).map(section),
				context(`Porthole · ${slackEscape(out.key)}`)
			]
		};
	},
	deliver(config, out, { timeoutMs }) {
		return postJson('Slack', config.url, this.render(out, config), timeoutMs);
	}
};
