// Discord webhook: `content` (the notification) and `embeds` with the kind's
// colour. Discord's limits: content 2000 characters, 10 embeds, a
// description 4096, 6000 for all embeds together; a digest lists as many
// alerts as fit, then "…and N more". Mentions are switched off, so a monitor
// named "@everyone" pings nobody. Discord answers 204 No Content.
import type { DiscordConfig } from '../../alert-types';
import { COLOURS, digestSummary, fitLines } from './messages';
import { cut, LINE_MAX, viewsOf } from './chat';
import { postJson } from './http';
import type { ChannelSender } from './types';

/** Discord markdown: a backslash before each formatting character shows it as itself. */
export const discordEscape = (s: string) => s.replace(/[\\*_~`|>[\]]/g, (c) => `\\${c}`);

const CONTENT_MAX = 2000;
/** One embed's description within Discord's 4096, leaving the total of 6000 room for title and footer. */
const DESCRIPTION_MAX = 4000;

export interface DiscordPayload {
	content: string;
	embeds: { title: string; description: string; color: number; footer: { text: string }; timestamp?: string }[];
	allowed_mentions: { parse: string[] };
}

const footer = (key: string) => ({ text: cut(`Porthole · ${key}`, 2048) });

export const discord: ChannelSender<DiscordConfig, DiscordPayload> = {
	render(out) {
		const views = viewsOf(out);
		if (!out.digest) {
			const v = views[0];
			const at = out.messages[0].payload.at;
			const ts = typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? { timestamp: new Date(at).toISOString() } : {};
			return {
				content: cut(`${v.emoji} ${discordEscape(v.text)}`, CONTENT_MAX),
				embeds: [
					{
						title: cut(`${v.label}: ${v.subject}`, 256),
						description: cut(discordEscape(v.text), DESCRIPTION_MAX),
						color: v.colour,
						footer: footer(out.key),
						...ts
					}
				],
				allowed_mentions: { parse: [] }
			};
		}
		const summary = digestSummary(views);
		const lines = views.map((v) => cut(`${v.emoji} ${discordEscape(v.text)}`, LINE_MAX));
		const anyDown = views.some((v) => v.kind === 'down' || v.kind === 'reminder');
		return {
			content: cut(`🚨 ${summary}`, CONTENT_MAX),
			embeds: [
				{
					title: cut(summary, 256),
					description: fitLines(lines, DESCRIPTION_MAX).text,
					color: anyDown ? COLOURS.down : COLOURS.recovered,
					footer: footer(out.key)
				}
			],
			allowed_mentions: { parse: [] }
		};
	},
	deliver(config, out, { timeoutMs }) {
		return postJson('Discord', config.url, this.render(out, config), timeoutMs);
	}
};
