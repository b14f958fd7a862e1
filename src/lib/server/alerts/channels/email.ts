// Email over SMTP with nodemailer: a plain-text part and a simple HTML part
// (everything escaped), subject "[Porthole] DOWN: Database (db)". The
// idempotency key goes in `X-Porthole-Idempotency-Key` and the Message-ID
// (`<key@porthole>`), so a retry is the same message to the mail system and
// to a filter. One connection per attempt (alerts are rare; a pool would hold
// a socket open for nothing); every SMTP phase and the whole attempt are bounded by the timeout.
import nodemailer from 'nodemailer';
import { smtpSecure, type EmailConfig } from '../../alert-types';
import { digestSummary, emailSubject, type MessageView } from './messages';
import { viewsOf } from './chat';
import type { ChannelSender, Delivery, Outgoing } from './types';

export interface EmailContent {
	subject: string;
	text: string;
	html: string;
	messageId: string;
	headers: Record<string, string>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const htmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
/** A header is one line: a newline in a monitor's name must not start another header. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
const hex = (n: number) => `#${n.toString(16).padStart(6, '0')}`;

const item = (v: MessageView) =>
	`<li style="margin:4px 0"><span style="color:${hex(v.colour)};font-weight:bold">${htmlEscape(v.label)}</span> ${htmlEscape(v.text)}</li>`;

function page(body: string, key: string): string {
	return (
		`<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;color:#101828">${body}` +
		`<p style="color:#667085;font-size:12px">Porthole · ${htmlEscape(key)}</p></body></html>`
	);
}

export function renderEmail(out: Outgoing): EmailContent {
	const views = viewsOf(out);
	const common = { messageId: `<${out.key}@porthole>`, headers: { 'X-Porthole-Idempotency-Key': out.key } };
	if (!out.digest) {
		const v = views[0];
		const mark = `border-left:4px solid ${hex(v.colour)};padding-left:8px`;
		return {
			...common,
			subject: oneLine(emailSubject(v)),
			text: `${v.text}\n\n-- \nPorthole · ${out.key}\n`,
			html: page(`<p style="${mark}"><strong>${htmlEscape(v.label)}</strong>: ${htmlEscape(v.text)}</p>`, out.key)
		};
	}
	const summary = digestSummary(views);
	return {
		...common,
		subject: oneLine(`[Porthole] ${summary}`),
		text: `${summary}\n\n${views.map((v) => `- ${v.label}: ${v.text}`).join('\n')}\n\n-- \nPorthole · ${out.key}\n`,
		html: page(`<p><strong>${htmlEscape(summary)}</strong></p><ul style="padding-left:20px">${views.map(item).join('')}</ul>`, out.key)
	};
}

/** The SMTP reply code at the start of a server's answer ("250 OK …"), if any. */
const replyCode = (response: unknown) => {
	const m = /^(\d{3})\b/.exec(String(response ?? ''));
	return m ? Number(m[1]) : null;
};

export const email: ChannelSender<EmailConfig, EmailContent> = {
	render: (out) => renderEmail(out),

	async deliver(config, out, { timeoutMs }): Promise<Delivery> {
		const where = `SMTP ${config.host}:${config.port}`;
		const content = renderEmail(out);
		const transport = nodemailer.createTransport({
			host: config.host,
			port: config.port,
			secure: smtpSecure(config),
			auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
			connectionTimeout: timeoutMs,
			greetingTimeout: timeoutMs,
			socketTimeout: timeoutMs,
			dnsTimeout: timeoutMs,
			// Nothing in a message is a file or URL to fetch.
			disableFileAccess: true,
			disableUrlAccess: true
		});
		let timer: NodeJS.Timeout | undefined;
		const deadline = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
		});
		try {
			const info = await Promise.race([
				transport.sendMail({
					from: config.from,
					to: config.to,
					subject: content.subject,
					text: content.text,
					html: content.html,
					messageId: content.messageId,
					headers: content.headers
				}),
				deadline
			]);
			return { statusCode: replyCode(info.response) ?? 250, error: null, delivered: true };
		} catch (err) {
			const e = err as Error & { responseCode?: number; code?: string };
			const code = e.code && !e.message.includes(e.code) ? ` (${e.code})` : '';
			// A multi-line SMTP reply is one line here: the delivery log and the server log are one line per attempt.
			const message = e.message.replace(/\s+/g, ' ').trim();
			return { statusCode: e.responseCode ?? null, error: `${where}: ${message}${code}`, delivered: false };
		} finally {
			clearTimeout(timer);
			transport.close();
		}
	}
};
